package overtrain.tasks.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import overtrain.tasks.Candidate;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

class CandidateEncoderTest {
  private static Tokenizer tokenizer;

  @BeforeAll
  static void train() {
    tokenizer = BpeTrainer.train(
        List.of("Review: a fine film\nSentiment: positive", "Review: dull\nSentiment: negative"),
        300, List.of());
  }

  private static String continuation(Sequence s) {
    return tokenizer.decode(Arrays.copyOfRange(s.tokens(), s.firstTarget(), s.tokens().length));
  }

  @Test
  void trailingWhitespaceOfTheContextMovesToTheContinuation() {
    CandidateEncoder encoder = new CandidateEncoder(tokenizer, 64);
    Sequence s = encoder.encode(new Candidate("Review: a fine film\nSentiment: ", "positive")).get(0);
    assertEquals(" positive", continuation(s));
    assertEquals("Review: a fine film\nSentiment:",
        tokenizer.decode(Arrays.copyOf(s.tokens(), s.firstTarget())));
  }

  @Test
  void anEmptyContextIsTheEndOfTextToken() {
    Sequence s = new CandidateEncoder(tokenizer, 64).encode(new Candidate("", "a fine film")).get(0);
    assertEquals(tokenizer.endOfText(), s.tokens()[0]);
    assertEquals(1, s.firstTarget());
    assertEquals("a fine film", continuation(s));
  }

  @Test
  void aLongInputIsCutOnTheLeftAndTheLabelKept() {
    String review = "Review: " + "a fine film ".repeat(40) + "\nSentiment:";
    List<Sequence> windows = new CandidateEncoder(tokenizer, 16).encode(new Candidate(review, " negative"));
    assertEquals(1, windows.size());
    Sequence s = windows.get(0);
    assertEquals(17, s.tokens().length);
    assertTrue(s.truncated() > 0);
    assertEquals(" negative", continuation(s));
    String kept = tokenizer.decode(Arrays.copyOf(s.tokens(), s.firstTarget()));
    assertTrue(review.endsWith(kept), "the end of the input survives: '" + kept + "'");
  }

  @Test
  void aTextLongerThanTheContextIsScoredInWindowsThatCoverItOnce() {
    String text = "a fine film and a dull one ".repeat(12);
    List<Sequence> windows = new CandidateEncoder(tokenizer, 16).encode(new Candidate("", text));
    assertTrue(windows.size() > 1);
    StringBuilder scored = new StringBuilder();
    for (Sequence w : windows) {
      assertTrue(w.tokens().length <= 17);
      scored.append(continuation(w));
    }
    assertEquals(text, scored.toString());
  }

  @Test
  void aContinuationWithoutTokensIsAnError() {
    CandidateEncoder encoder = new CandidateEncoder(tokenizer, 16);
    assertThrows(IllegalArgumentException.class, () -> encoder.encode(new Candidate("x", "")));
  }
}
