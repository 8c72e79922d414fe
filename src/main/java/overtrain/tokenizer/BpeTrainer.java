package overtrain.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import overtrain.kernels.Parallel;

/**
 * Trains byte-level BPE the way Hugging Face's trainer does: count the words the GPT-2 pattern
 * cuts, count adjacent pairs weighted by word frequency, and repeatedly merge the most frequent
 * pair. Pair counts are updated incrementally, touching only the words that hold the merged
 * pair, and the best pair comes from a priority queue whose stale entries are refreshed when
 * they surface (counts of old pairs only fall; new pairs are pushed when made).
 *
 * <p>Deterministic: ties go to the pair with the smaller left id, then the smaller right id,
 * and nothing depends on hash or thread order.
 */
public final class BpeTrainer {
  private static final int BATCH = 4096;

  private BpeTrainer() {}

  /**
   * @param vocabSize ids in all: 256 bytes, the merges, and the special tokens
   * @param specials special tokens besides {@link Tokenizer#REQUIRED_SPECIALS}, which are always added
   */
  public static Tokenizer train(Iterable<String> texts, int vocabSize, List<String> specials) {
    Set<String> allSpecials = new LinkedHashSet<>(Tokenizer.REQUIRED_SPECIALS);
    allSpecials.addAll(specials);
    int newTokens = vocabSize - 256 - allSpecials.size();
    if (newTokens < 0) {
      throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the 256 bytes and "
          + allSpecials.size() + " special tokens");
    }
    Map<String, long[]> words = countWords(texts);
    // Without text there is nothing to merge: the result would be the bare byte vocabulary.
    if (words.isEmpty()) throw new IllegalArgumentException("the corpus holds no text to learn merges from");
    Trainer t = new Trainer(words);
    int[][] done = t.run(newTokens);
    byte[][] vocab = t.tokens.toArray(new byte[0][]);
    Map<String, Integer> specialIds = new LinkedHashMap<>();
    for (String s : allSpecials) specialIds.put(s, vocab.length + specialIds.size());
    return new Tokenizer(vocab, done, specialIds, Pipeline.gpt2());
  }

  /** How often each pre-token occurs, counted in parallel batches. */
  static Map<String, long[]> countWords(Iterable<String> texts) {
    PreTokenizer gpt2 = PreTokenizer.of(PreTokenizer.GPT2_PATTERN);
    Map<String, long[]> counts = new HashMap<>();
    List<String> batch = new ArrayList<>(BATCH);
    for (String text : texts) {
      batch.add(text);
      if (batch.size() == BATCH) {
        countBatch(batch, gpt2, counts);
        batch.clear();
      }
    }
    countBatch(batch, gpt2, counts);
    return counts;
  }

  private static void countBatch(List<String> batch, PreTokenizer gpt2, Map<String, long[]> counts) {
    List<Map<String, long[]>> parts = new ArrayList<>();
    Parallel.range(batch.size(), (from, to) -> {
      Map<String, long[]> local = new HashMap<>();
      for (int i = from; i < to; i++) {
        String text = batch.get(i);
        gpt2.split(text, 0, text.length(), (a, b) -> local.computeIfAbsent(text.substring(a, b), k -> new long[1])[0]++);
      }
      synchronized (parts) {
        parts.add(local);
      }
    });
    for (Map<String, long[]> part : parts) {
      part.forEach((word, n) -> counts.computeIfAbsent(word, k -> new long[1])[0] += n[0]);
    }
  }

  /** The merge loop over words held as symbol arrays. */
  private static final class Trainer {
    private final int[][] words;
    private final int[] lengths;
    private final long[] freq;
    private final int[] lastSeen;
    private final PairMap slots = new PairMap(1 << 16);
    private long[] count = new long[1 << 16];
    private int[] left = new int[1 << 16], right = new int[1 << 16];
    private IntList[] holders = new IntList[1 << 16];
    private int pairs;
    /** Token bytes by id, and ids by bytes: two merges can spell the same bytes and share an id. */
    final List<byte[]> tokens = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final PriorityQueue<long[]> queue =
        new PriorityQueue<>(Comparator.<long[]>comparingLong(e -> -e[0]).thenComparingLong(e -> e[1]));

    Trainer(Map<String, long[]> wordCounts) {
      // Sorted so that symbol arrays and holder lists are laid out the same on every run.
      List<String> sorted = new ArrayList<>(wordCounts.keySet());
      sorted.sort(null);
      words = new int[sorted.size()][];
      lengths = new int[sorted.size()];
      freq = new long[sorted.size()];
      lastSeen = new int[sorted.size()];
      Arrays.fill(lastSeen, -1);
      for (int b = 0; b < 256; b++) add(new byte[] {(byte) b});
      for (int w = 0; w < words.length; w++) {
        byte[] bytes = Wtf8.encode(sorted.get(w));
        words[w] = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) words[w][i] = bytes[i] & 0xFF;
        lengths[w] = bytes.length;
        freq[w] = wordCounts.get(sorted.get(w))[0];
        for (int i = 0; i + 1 < lengths[w]; i++) {
          int p = slot(words[w][i], words[w][i + 1]);
          count[p] += freq[w];
          holders[p].addOnce(w);
        }
      }
      for (int p = 0; p < pairs; p++) push(p);
    }

    /** The slot of pair (a, b), made on first sight. */
    private int slot(int a, int b) {
      long key = PairMap.key(a, b);
      long p = slots.get(key, -1);
      if (p >= 0) return (int) p;
      if (pairs == count.length) {
        int n = pairs * 2;
        count = Arrays.copyOf(count, n);
        left = Arrays.copyOf(left, n);
        right = Arrays.copyOf(right, n);
        holders = Arrays.copyOf(holders, n);
      }
      left[pairs] = a;
      right[pairs] = b;
      holders[pairs] = new IntList();
      slots.put(key, pairs);
      return pairs++;
    }

    /** Queue entries: count, then the pair key (smaller ids first on ties), then the slot. */
    private void push(int p) {
      if (count[p] > 0) queue.add(new long[] {count[p], PairMap.key(left[p], right[p]), p});
    }

    private int add(byte[] bytes) {
      return ids.computeIfAbsent(spell(bytes), k -> {
        tokens.add(bytes);
        return tokens.size() - 1;
      });
    }

    /** Merges until {@code newTokens} tokens beyond the bytes exist or no pair is left. */
    int[][] run(int newTokens) {
      List<int[]> done = new ArrayList<>();
      while (tokens.size() < 256 + newTokens && !queue.isEmpty()) {
        long[] top = queue.poll();
        int p = (int) top[2];
        if (top[0] != count[p]) {
          push(p);
          continue;
        }
        byte[] a = tokens.get(left[p]), b = tokens.get(right[p]);
        byte[] ab = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        done.add(new int[] {left[p], right[p]});
        merge(p, add(ab), done.size());
      }
      return done.toArray(new int[0][]);
    }

    /** Replaces pair {@code p} by {@code merged} in every word that holds it. */
    private void merge(int p, int merged, int step) {
      int a = left[p], b = right[p];
      IntList fresh = new IntList();
      IntList holding = holders[p];
      holders[p] = new IntList();
      for (int h = 0; h < holding.size; h++) {
        int w = holding.data[h];
        if (lastSeen[w] == step) continue;
        lastSeen[w] = step;
        int[] s = words[w];
        int n = lengths[w];
        boolean found = false;
        for (int i = 0; i + 1 < n && !found; i++) found = s[i] == a && s[i + 1] == b;
        if (!found) continue;
        for (int i = 0; i + 1 < n; i++) count[slot(s[i], s[i + 1])] -= freq[w];
        int o = 0;
        for (int i = 0; i < n; i++) {
          if (i + 1 < n && s[i] == a && s[i + 1] == b) {
            s[o++] = merged;
            i++;
          } else {
            s[o++] = s[i];
          }
        }
        lengths[w] = o;
        for (int i = 0; i + 1 < o; i++) {
          int q = slot(s[i], s[i + 1]);
          count[q] += freq[w];
          if (s[i] == merged || s[i + 1] == merged) {
            holders[q].addOnce(w);
            fresh.addOnce(q);
          }
        }
      }
      for (int i = 0; i < fresh.size; i++) push(fresh.data[i]);
    }
  }

  /** A growable int list that skips a value equal to its last one. */
  private static final class IntList {
    int[] data = new int[2];
    int size;

    void addOnce(int v) {
      if (size > 0 && data[size - 1] == v) return;
      if (size == data.length) data = Arrays.copyOf(data, size * 2);
      data[size++] = v;
    }
  }

  private static String spell(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
