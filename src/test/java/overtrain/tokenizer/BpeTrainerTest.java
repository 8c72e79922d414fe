package overtrain.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
  void incrementalCountsGiveTheMergesOfARecountEveryStep() {
    List<String> corpus = Samples.corpus(30);
    corpus.add("aaaaaaa abababab aaa"); // overlapping pairs
    Tokenizer t = BpeTrainer.train(corpus, 256 + 5 + 150, List.of());
    assertEquals(naiveMerges(corpus, 150), List.of(t.merges()).stream().map(m -> m[0] + "," + m[1]).toList());
  }

  /** The textbook trainer: recount every pair of every word before each merge. */
  private static List<String> naiveMerges(List<String> corpus, int newTokens) {
    Map<String, long[]> counts = BpeTrainer.countWords(corpus);
    List<List<Integer>> words = new ArrayList<>();
    List<Long> freq = new ArrayList<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      List<Integer> w = new ArrayList<>();
      for (byte b : Wtf8.encode(e.getKey())) w.add(b & 0xFF);
      words.add(w);
      freq.add(e.getValue()[0]);
    }
    List<String> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) tokens.add(String.valueOf((char) b));
    List<String> merges = new ArrayList<>();
    while (tokens.size() < 256 + newTokens) {
      TreeMap<Long, Long> pairCounts = new TreeMap<>();
      for (int w = 0; w < words.size(); w++) {
        for (int i = 0; i + 1 < words.get(w).size(); i++) {
          pairCounts.merge(PairMap.key(words.get(w).get(i), words.get(w).get(i + 1)), freq.get(w), Long::sum);
        }
      }
      if (pairCounts.isEmpty()) break;
      long best = -1, bestCount = 0;
      for (Map.Entry<Long, Long> e : pairCounts.entrySet()) { // ascending keys: first max wins ties
        if (e.getValue() > bestCount) {
          bestCount = e.getValue();
          best = e.getKey();
        }
      }
      int a = (int) (best >>> 32), b = (int) best;
      String spelled = tokens.get(a) + tokens.get(b);
      int merged = tokens.indexOf(spelled);
      if (merged < 0) {
        tokens.add(spelled);
        merged = tokens.size() - 1;
      }
      merges.add(a + "," + b);
      for (List<Integer> w : words) {
        for (int i = 0; i + 1 < w.size(); i++) {
          if (w.get(i) == a && w.get(i + 1) == b) {
            w.set(i, merged);
            w.remove(i + 1);
          }
        }
      }
    }
    return merges;
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

  /** No text, no merges to learn: an error, not the bare byte vocabulary. */
  @Test
  void aCorpusWithoutTextIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpeTrainer.train(List.of("", ""), 300, List.of()));
    assertTrue(e.getMessage().contains("no text"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of(), 300, List.of()));
  }
}
