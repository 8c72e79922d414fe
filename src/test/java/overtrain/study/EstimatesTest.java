package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import overtrain.tasks.Candidate;
import overtrain.tasks.Example;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;

class EstimatesTest {
  @Test
  void probesRunSixtyStepsOfASmallShapeAndAFewOfALargeOne() {
    // a tiny study shape: 4,096 tokens a step at 100k tokens/s fills 15 s with 366 steps
    assertEquals(60, Estimates.probeSteps(100_000, 4_096));
    // a paper-size shape: 8,192 tokens a step at 2,000 tokens/s is 4 s a step
    assertEquals(3, Estimates.probeSteps(2_000, 8_192));
    // in between, as many steps as fill 15 s
    assertEquals(18, Estimates.probeSteps(10_000, 8_192));
    // no speed measured: the fewest
    assertEquals(3, Estimates.probeSteps(Double.NaN, 8_192));
  }

  @Test
  void aLongDocumentCountsAsTheWindowsItTrainsAsAndAClassExampleAsItsCandidates() {
    Tokenizer tokenizer = BpeTrainer.train(List.of("a fine film, a dull film", "positive negative"), 300, List.of());
    CandidateEncoder encoder = new CandidateEncoder(tokenizer, 16);
    // documents of 1, 2, 3 and 4 contexts' worth of text: each as many windows as the encoder makes
    List<Example> documents = new ArrayList<>();
    long windows = 0;
    for (int n = 1; n <= 4; n++) {
      Candidate text = new Candidate("", "a fine film ".repeat(5 * n));
      windows += encoder.encode(text).size();
      documents.add(new Example(List.of(text), 0));
    }
    assertEquals(windows / 4.0, Estimates.meanSequences(documents, encoder, false), 1e-12);
    assertTrue(windows > 4, "the documents outgrow the context: " + windows + " windows");
    // a two-class example trains its right answer and is scored on both
    Example labelled = new Example(List.of(new Candidate("a fine film:", " positive"),
        new Candidate("a fine film:", " negative")), 0);
    assertEquals(1.0, Estimates.meanSequences(List.of(labelled), encoder, false), 1e-12);
    assertEquals(2.0, Estimates.meanSequences(List.of(labelled), encoder, true), 1e-12);
  }
}
