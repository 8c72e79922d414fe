package overtrain.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import overtrain.kernels.Parallel;

/**
 * A byte-level BPE tokenizer: text is cut into words by a pre-tokenisation pattern, each word's
 * UTF-8 bytes start as one token per byte, and adjacent tokens merge by the rank of their pair
 * until no ranked pair is left (lowest rank first, leftmost on ties, as Hugging Face and
 * tiktoken do). Every string round-trips: bytes are the fallback, and unpaired surrogates
 * travel as WTF-8 (see {@link Wtf8}).
 *
 * <p>Special tokens are never produced by {@link #encode}; a caller places them by id.
 * Every tokenizer carries {@link #REQUIRED_SPECIALS}: those a vocabulary lacks are appended
 * after its highest id (so r50k_base grows from 50,257 to 50,261 ids).
 *
 * <p>Thread-safe: the word cache is per thread.
 */
public final class Tokenizer {
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String PADDING = "<|padding|>";
  public static final List<String> REQUIRED_SPECIALS =
      List.of(END_OF_TEXT, PADDING, "<|system|>", "<|user|>", "<|assistant|>");

  /** Words longer than this (in bytes) merge with a heap instead of rescanning all pairs. */
  private static final int LINEAR_MERGE_LIMIT = 128;
  /** The per-thread word cache is cleared when it reaches this many words. */
  private static final int CACHE_LIMIT = 1 << 17;

  /** How the text is prepared before BPE: the Hugging Face normalizer and pre-tokenizer. */
  record Options(List<String> patterns, boolean nfc, boolean addPrefixSpace, boolean ignoreMerges) {
    Options {
      patterns = List.copyOf(patterns);
    }

    static Options gpt2() {
      return new Options(List.of(PreTokenizer.GPT2_PATTERN), false, false, false);
    }
  }

  private final byte[][] tokens;
  private final int[] byteIds = new int[256];
  private final int[][] merges;
  private final PairMap mergeTable;
  private final Map<String, Integer> specials;
  private final boolean[] isSpecial;
  private final Options options;
  private final PreTokenizer splitter;
  private final Map<String, Integer> wholeWords;
  private final ThreadLocal<HashMap<String, int[]>> cache = ThreadLocal.withInitial(HashMap::new);

  /**
   * @param vocab the bytes of each ordinary token by id (null for ids the vocabulary skips)
   * @param merges the merges by rank, each a pair of ids whose concatenation is in the vocabulary
   * @param specials special tokens by content, with their ids
   */
  Tokenizer(byte[][] vocab, int[][] merges, Map<String, Integer> specials, Options options) {
    Map<String, Integer> allSpecials = new LinkedHashMap<>(specials);
    int size = vocab.length;
    for (int id : specials.values()) size = Math.max(size, id + 1);
    for (String name : REQUIRED_SPECIALS) if (!allSpecials.containsKey(name)) allSpecials.put(name, size++);
    this.tokens = Arrays.copyOf(vocab, size);
    this.isSpecial = new boolean[size];
    for (Map.Entry<String, Integer> e : allSpecials.entrySet()) {
      tokens[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
      isSpecial[e.getValue()] = true;
    }
    this.specials = Collections.unmodifiableMap(allSpecials);
    this.options = options;
    this.splitter = PreTokenizer.chain(options.patterns());

    Map<String, Integer> byBytes = new HashMap<>(vocab.length * 2);
    for (int id = 0; id < vocab.length; id++) {
      if (vocab[id] != null && !isSpecial[id]) byBytes.put(latin1(vocab[id]), id);
    }
    Arrays.fill(byteIds, -1);
    for (int b = 0; b < 256; b++) byteIds[b] = byBytes.getOrDefault(latin1(new byte[] {(byte) b}), -1);
    this.merges = merges;
    this.mergeTable = new PairMap(merges.length);
    for (int rank = 0; rank < merges.length; rank++) {
      int a = merges[rank][0], b = merges[rank][1];
      Integer merged = byBytes.get(latin1(vocab[a]) + latin1(vocab[b]));
      if (merged == null) {
        throw new IllegalArgumentException("merge " + rank + " (" + a + ", " + b + "): the merged token is not in the vocabulary");
      }
      long key = PairMap.key(a, b);
      // A repeated merge keeps its first (best) rank, as Hugging Face does.
      if (mergeTable.get(key, -1) == -1) mergeTable.put(key, ((long) rank << 32) | merged);
    }
    this.wholeWords = options.ignoreMerges() ? byBytes : null;
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Reads a Hugging Face {@code tokenizer.json} of BPE type with byte-level spelling. */
  public static Tokenizer load(Path tokenizerJson) throws IOException {
    return TokenizerJson.read(tokenizerJson);
  }

  /** {@code r50k_base} (GPT-2) or {@code cl100k_base}, from the ranks jtokkit ships. */
  public static Tokenizer named(String name) throws IOException {
    return TiktokenRanks.tokenizer(name);
  }

  /** A file path, or one of the names {@link #named} knows. */
  public static Tokenizer loadOrNamed(String fileOrName) throws IOException {
    return TiktokenRanks.NAMES.contains(fileOrName) ? named(fileOrName) : load(Path.of(fileOrName));
  }

  /** Writes Hugging Face's {@code tokenizer.json} (through a temp file and a rename). */
  public void save(Path tokenizerJson) throws IOException {
    TokenizerJson.write(this, tokenizerJson);
  }

  public int vocabSize() {
    return tokens.length;
  }

  public int endOfText() {
    return specials.get(END_OF_TEXT);
  }

  public int padding() {
    return specials.get(PADDING);
  }

  public OptionalInt special(String name) {
    Integer id = specials.get(name);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** Special tokens by content, in id order of addition. */
  public Map<String, Integer> specials() {
    return specials;
  }

  /** The ids of ordinary text; special-token text like {@code <|endoftext|>} is encoded as text. */
  public int[] encode(String text) {
    IntList out = new IntList(text.length() / 3 + 4);
    encodeInto(text, out);
    return out.toArray();
  }

  /** Encodes many documents on {@link Parallel}'s threads; the result is in input order. */
  public int[][] encodeAll(List<String> texts) {
    int[][] out = new int[texts.size()][];
    Parallel.range(texts.size(), (from, to) -> {
      for (int i = from; i < to; i++) out[i] = encode(texts.get(i));
    });
    return out;
  }

  /** The text of {@code ids}: the exact inverse of {@link #encode}. */
  public String decode(int[] ids) {
    Wtf8.Bytes bytes = new Wtf8.Bytes();
    for (int id : ids) {
      checkId(id);
      bytes.append(tokens[id]);
    }
    return Wtf8.decode(bytes.data, bytes.length);
  }

  private void checkId(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in this vocabulary of " + tokens.length);
    }
  }

  private void encodeInto(String input, IntList out) {
    String nfc = options.nfc() ? Normalizer.normalize(input, Normalizer.Form.NFC) : input;
    String text = options.addPrefixSpace() && !nfc.isEmpty() && nfc.charAt(0) != ' ' ? " " + nfc : nfc;
    HashMap<String, int[]> words = cache.get();
    splitter.split(text, 0, text.length(), (from, to) -> {
      String word = text.substring(from, to);
      int[] ids = words.get(word);
      if (ids == null) {
        ids = encodeWord(Wtf8.encode(text, from, to));
        if (words.size() >= CACHE_LIMIT) words.clear();
        words.put(word, ids);
      }
      out.addAll(ids);
    });
  }

  /** BPE on one word's bytes. */
  int[] encodeWord(byte[] bytes) {
    if (wholeWords != null) {
      Integer whole = wholeWords.get(latin1(bytes));
      if (whole != null) return new int[] {whole};
    }
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = byteIds[bytes[i] & 0xFF];
      if (ids[i] < 0) {
        throw new IllegalArgumentException(String.format("byte 0x%02X has no token in this vocabulary", bytes[i] & 0xFF));
      }
    }
    return ids.length <= LINEAR_MERGE_LIMIT ? mergeLinear(ids, mergeTable) : mergeWithHeap(ids);
  }

  /**
   * Merges by rescanning the pair ranks: quadratic, but fastest for the short words of text.
   * {@code mergeTable} maps a pair to its rank (high 32 bits) and merged id (low 32 bits).
   */
  static int[] mergeLinear(int[] ids, PairMap mergeTable) {
    int n = ids.length;
    if (n < 2) return ids;
    long[] pairs = new long[n - 1]; // rank << 32 | merged id; Long.MAX_VALUE where no merge
    for (int i = 0; i < n - 1; i++) pairs[i] = mergeTable.get(PairMap.key(ids[i], ids[i + 1]), Long.MAX_VALUE);
    while (n > 1) {
      int best = -1;
      long bestPair = Long.MAX_VALUE;
      for (int i = 0; i < n - 1; i++) {
        if (pairs[i] < bestPair) {
          bestPair = pairs[i];
          best = i;
        }
      }
      if (best < 0) break;
      ids[best] = (int) bestPair;
      System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
      if (best + 2 < n - 1) System.arraycopy(pairs, best + 2, pairs, best + 1, n - best - 3);
      n--;
      if (best < n - 1) pairs[best] = mergeTable.get(PairMap.key(ids[best], ids[best + 1]), Long.MAX_VALUE);
      if (best > 0) pairs[best - 1] = mergeTable.get(PairMap.key(ids[best - 1], ids[best]), Long.MAX_VALUE);
    }
    return Arrays.copyOf(ids, n);
  }

  /**
   * Merges with a heap of candidate pairs over a linked list: n log n, for long words (a page of
   * digits or spaces) where the linear rescan would be quadratic. Entries go stale when a
   * neighbour merges; one is valid if its left token is alive and the pair still has its rank.
   */
  private int[] mergeWithHeap(int[] ids) {
    int n = ids.length;
    int[] next = new int[n];
    int[] prev = new int[n];
    boolean[] dead = new boolean[n];
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    PriorityQueue<Long> heap = new PriorityQueue<>(); // rank << 32 | position: leftmost on ties
    for (int i = 0; i < n - 1; i++) offer(heap, ids, i, i + 1);
    int alive = n;
    while (!heap.isEmpty()) {
      long top = heap.poll();
      int pos = (int) top, rank = (int) (top >>> 32);
      int right = next[pos];
      if (dead[pos] || right < 0) continue;
      long merge = mergeTable.get(PairMap.key(ids[pos], ids[right]), -1);
      if (merge == -1 || (int) (merge >>> 32) != rank) continue;
      ids[pos] = (int) merge;
      dead[right] = true;
      alive--;
      next[pos] = next[right];
      if (next[pos] >= 0) prev[next[pos]] = pos;
      if (prev[pos] >= 0) offer(heap, ids, prev[pos], pos);
      if (next[pos] >= 0) offer(heap, ids, pos, next[pos]);
    }
    int[] out = new int[alive];
    for (int i = 0, o = 0; i >= 0; i = next[i]) out[o++] = ids[i];
    return out;
  }

  private void offer(PriorityQueue<Long> heap, int[] ids, int left, int right) {
    long merge = mergeTable.get(PairMap.key(ids[left], ids[right]), -1);
    if (merge != -1) heap.add((merge >>> 32) << 32 | left);
  }

  // Accessors for TokenizerJson.
  byte[][] tokens() {
    return tokens;
  }

  boolean isSpecial(int id) {
    return isSpecial[id];
  }

  int[][] merges() {
    return merges;
  }

  Options options() {
    return options;
  }

  /** A growable int array. */
  static final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
      data = new int[Math.max(capacity, 4)];
    }

    void addAll(int[] values) {
      if (size + values.length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + values.length));
      }
      System.arraycopy(values, 0, data, size, values.length);
      size += values.length;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
