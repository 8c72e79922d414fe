package overtrain.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
  @TempDir Path dir;

  @Test
  void sameCorpusGivesTheSameFileBitForBit() throws IOException {
    List<String> corpus = Samples.corpus(200);
    BpeTrainer.train(corpus, 600, List.of("<|tool|>")).save(dir.resolve("a.json"));
    BpeTrainer.train(corpus, 600, List.of("<|tool|>")).save(dir.resolve("b.json"));
    assertArrayEquals(Files.readAllBytes(dir.resolve("a.json")), Files.readAllBytes(dir.resolve("b.json")));
  }

  @Test
  void reachesTheVocabularySizeAndCompressesHeldOutText() {
    Tokenizer t = BpeTrainer.train(Samples.corpus(200), 600, List.of("<|tool|>"));
    assertEquals(600, t.vocabSize());
    assertEquals(599, t.special("<|tool|>").orElseThrow());
    for (String s : Tokenizer.REQUIRED_SPECIALS) assertTrue(t.special(s).orElseThrow() >= 256);
    String heldOut = String.join(" ", Samples.corpus(230).subList(200, 230));
    int bytes = Wtf8.encode(heldOut).length;
    int tokens = t.encode(heldOut).length;
    assertTrue(tokens * 2 < bytes, tokens + " tokens for " + bytes + " bytes");
  }

  @Test
  void mostFrequentPairIsMergedFirstAndTiesGoToSmallerIds() {
    // "ab" and "cd" occur 3 times each (newlines are words of their own), "xy" once:
    // the tie goes to the smaller left id ('a' < 'c').
    Tokenizer t = BpeTrainer.train(List.of("xy\ncd\nab\ncd\nab\ncd\nab"), 256 + 5 + 2, List.of());
    assertArrayEquals(new int[] {'a', 'b'}, t.merges()[0]);
    assertArrayEquals(new int[] {'c', 'd'}, t.merges()[1]);
    assertArrayEquals(new int[] {256}, t.encode("ab"));
  }

  @Test
  void stopsEarlyWhenNoPairIsLeft() {
    Tokenizer t = BpeTrainer.train(List.of("aa"), 1000, List.of());
    assertEquals(256 + 1 + Tokenizer.REQUIRED_SPECIALS.size(), t.vocabSize());
  }

  @Test
  void refusesAVocabularyTooSmallForBytesAndSpecials() {
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of("x"), 260, List.of()));
  }
}
