package overtrain.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A BPE tokenizer as Hugging Face's {@code tokenizers} runs one: added tokens that are not
 * special are found first, the normalizer runs on the text between them, the pre-tokenizer cuts
 * that into pieces, and each piece starts as one symbol per byte (byte-level BPE) or per
 * character (SentencePiece-style BPE, with {@code <0xNN>} tokens or an unknown token for what the
 * vocabulary lacks) and merges by the rank of its pairs until no ranked pair is left (lowest rank
 * first, leftmost on ties). {@link Pipeline} holds these stages.
 *
 * <p>Byte-level tokenizers round-trip every string: bytes are the fallback, and unpaired
 * surrogates travel as WTF-8 (see {@link Wtf8}). Where the vocabulary has no symbol for a byte or
 * character and no unknown token, encoding fails naming it (Hugging Face drops it unseen).
 *
 * <p>Special tokens are never produced by {@link #encode}: their text in the input is encoded as
 * text (Hugging Face would take it for the token), and a caller places them by id. Every
 * tokenizer carries {@link #REQUIRED_SPECIALS}: those a vocabulary lacks are appended after its
 * highest id (so r50k_base grows from 50,257 to 50,261 ids).
 *
 * <p>Thread-safe: the word cache is per thread.
 */
public final class Tokenizer {
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String PADDING = "<|padding|>";
  public static final List<String> REQUIRED_SPECIALS =
      List.of(END_OF_TEXT, PADDING, "<|system|>", "<|user|>", "<|assistant|>");

  /** Words longer than this (in symbols) merge with a heap instead of rescanning all pairs. */
  private static final int LINEAR_MERGE_LIMIT = 128;
  /** The per-thread word cache is cleared when it reaches this many words. */
  private static final int CACHE_LIMIT = 1 << 17;
  /** Longer words are not cached: without a pre-tokenizer a whole text is one word. */
  private static final int CACHE_WORD_LIMIT = 256;
  private static final int[] NONE = new int[0];

  /** Each id's token as tokenizer.json spells it: byte-level spelling, or an added token's content. */
  private final String[] spelled;
  /** Each id's bytes, where decoding is ByteLevel's alone (null otherwise). */
  private final byte[][] bytes;
  private final int[][] merges;
  private final PairMap mergeTable;
  private final List<AddedToken> added;
  private final boolean[] isAdded;
  private final Map<String, Integer> specials;
  private final Map<String, Integer> addedIds;
  private final Pipeline pipeline;
  private final boolean byteLevel;
  /** The model's own tokens by spelling (added tokens are found before the model runs). */
  private final Map<String, Integer> vocab;
  private final int[] byteIds = new int[256];
  /** Ids of one-character tokens by the character (SentencePiece-style), -1 where none. */
  private final int[] charIds;
  private final int[] fallbackIds = new int[256];
  private final int unkId;
  private final AddedToken.Matcher rawAdded;
  private final AddedToken.Matcher normalizedAdded;
  private final Stage preTokenizer;
  private final ThreadLocal<HashMap<String, int[]>> cache = ThreadLocal.withInitial(HashMap::new);

  /**
   * A byte-level tokenizer from token bytes.
   *
   * @param vocab the bytes of each ordinary token by id (null for ids the vocabulary skips)
   * @param merges the merges by rank, each a pair of ids whose concatenation is in the vocabulary
   * @param specials special tokens by content, with their ids
   */
  Tokenizer(byte[][] vocab, int[][] merges, Map<String, Integer> specials, Pipeline pipeline) {
    this(spell(vocab), merges, specials.entrySet().stream().map(e -> AddedToken.special(e.getValue(), e.getKey())).toList(),
        pipeline);
  }

  private static String[] spell(byte[][] vocab) {
    String[] out = new String[vocab.length];
    for (int id = 0; id < vocab.length; id++) if (vocab[id] != null) out[id] = ByteLevel.encode(vocab[id]);
    return out;
  }

  /**
   * @param vocab each ordinary token by id as tokenizer.json spells it (null for ids it skips)
   * @param merges the merges by rank, each a pair of ids whose concatenation is in the vocabulary
   * @param addedTokens the added tokens, special or not
   */
  Tokenizer(String[] vocab, int[][] merges, List<AddedToken> addedTokens, Pipeline pipeline) {
    List<AddedToken> all = new ArrayList<>(addedTokens);
    Map<String, Integer> addedIds = new HashMap<>();
    int size = vocab.length;
    for (AddedToken t : all) {
      size = Math.max(size, t.id() + 1);
      addedIds.put(t.content(), t.id());
    }
    for (String name : REQUIRED_SPECIALS) {
      if (!addedIds.containsKey(name)) {
        all.add(AddedToken.special(size, name));
        addedIds.put(name, size++);
      }
    }
    this.added = List.copyOf(all);
    this.addedIds = addedIds;
    this.spelled = Arrays.copyOf(vocab, size);
    this.isAdded = new boolean[size];
    Map<String, Integer> specialIds = new LinkedHashMap<>();
    for (AddedToken t : all) {
      spelled[t.id()] = t.content();
      isAdded[t.id()] = true;
      if (t.special()) specialIds.put(t.content(), t.id());
    }
    this.specials = Collections.unmodifiableMap(specialIds);
    this.pipeline = pipeline;
    this.byteLevel = pipeline.byteLevel();

    this.vocab = new HashMap<>(vocab.length * 2);
    for (int id = 0; id < vocab.length; id++) {
      if (vocab[id] != null && !isAdded[id]) this.vocab.put(vocab[id], id);
    }
    for (int b = 0; b < 256; b++) byteIds[b] = this.vocab.getOrDefault(ByteLevel.encode(new byte[] {(byte) b}), -1);
    if (byteLevel) {
      charIds = null;
    } else {
      charIds = new int[Character.MAX_VALUE + 1];
      Arrays.fill(charIds, -1);
      this.vocab.forEach((token, id) -> {
        if (token.length() == 1) charIds[token.charAt(0)] = id;
      });
    }
    for (int b = 0; b < 256; b++) fallbackIds[b] = this.vocab.getOrDefault(String.format("<0x%02X>", b), -1);
    String unk = pipeline.model().unkToken();
    Integer unkId = unk == null ? null : this.vocab.getOrDefault(unk, addedIds.get(unk));
    if (unk != null && unkId == null) throw new IllegalArgumentException("the unknown token \"" + unk + "\" is not in the vocabulary");
    this.unkId = unkId == null ? -1 : unkId;

    this.merges = merges;
    this.mergeTable = new PairMap(merges.length);
    for (int rank = 0; rank < merges.length; rank++) {
      int a = merges[rank][0], b = merges[rank][1];
      if (!ordinary(a) || !ordinary(b)) {
        throw new IllegalArgumentException("merge " + rank + " (" + a + ", " + b + "): not two ordinary tokens");
      }
      Integer merged = this.vocab.get(spelled[a] + spelled[b]);
      if (merged == null) {
        throw new IllegalArgumentException("merge " + rank + " (" + a + ", " + b + "): the merged token is not in the vocabulary");
      }
      // A repeated merge takes its last rank, as Hugging Face's map of merges does.
      mergeTable.put(PairMap.key(a, b), ((long) rank << 32) | merged);
    }

    boolean byteDecoder = pipeline.decoder().isEmpty() || pipeline.decoder().equals(List.of(new Decoder.ByteLevelDecoder()));
    if (byteLevel && byteDecoder) {
      bytes = new byte[size][];
      for (int id = 0; id < size; id++) if (spelled[id] != null) bytes[id] = Decoder.ByteLevelDecoder.bytesOf(spelled[id]);
    } else {
      bytes = null;
    }
    this.rawAdded = matcher(false);
    this.normalizedAdded = matcher(true);
    this.preTokenizer = stages(pipeline.preTokenizer(), 0);
  }

  private boolean ordinary(int id) {
    return id >= 0 && id < spelled.length && spelled[id] != null && !isAdded[id];
  }

  /** The matcher of the non-special added tokens matched before or after normalizing, or null. */
  private AddedToken.Matcher matcher(boolean normalized) {
    List<String> patterns = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (AddedToken t : added) {
      if (t.special() || t.normalized() != normalized) continue;
      String pattern = normalized ? Normalizer.apply(pipeline.normalizer(), t.content()) : t.content();
      if (pattern.isEmpty()) continue; // erased by the normalizer: nothing left to find
      patterns.add(pattern);
      ids.add(t.id());
    }
    return patterns.isEmpty() ? null : new AddedToken.Matcher(patterns, ids);
  }

  /** Reads a Hugging Face {@code tokenizer.json} of BPE type: the kinds {@link TokenizerJson} reads. */
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
    return spelled.length;
  }

  public int endOfText() {
    return addedIds.get(END_OF_TEXT);
  }

  public int padding() {
    return addedIds.get(PADDING);
  }

  /** The id of an added token (special or not) by its content. */
  public OptionalInt special(String name) {
    Integer id = addedIds.get(name);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** Special tokens by content, in order of addition. */
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

  /**
   * The text of {@code ids}, by the file's decoder: for byte-level tokenizers the exact inverse
   * of {@link #encode}; a byte-level file without a decoder decodes as if it had ByteLevel's
   * (Hugging Face would join the byte spellings with spaces).
   */
  public String decode(int[] ids) {
    if (bytes != null) {
      Wtf8.Bytes out = new Wtf8.Bytes();
      for (int id : ids) {
        checkId(id);
        out.append(bytes[id]);
      }
      return Wtf8.decode(out.data, out.length);
    }
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      checkId(id);
      tokens.add(spelled[id]);
    }
    return pipeline.decoder().isEmpty() ? String.join(" ", tokens) : Decoder.decode(pipeline.decoder(), tokens);
  }

  private void checkId(int id) {
    if (id < 0 || id >= spelled.length || spelled[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in this vocabulary of " + spelled.length);
    }
  }

  private void encodeInto(String input, IntList out) {
    if (rawAdded == null) {
      normalizeAndCut(input, true, out);
      return;
    }
    rawAdded.split(input, new AddedToken.Sink() {
      @Override
      public void token(int id) {
        out.add(id);
      }

      @Override
      public void text(int from, int to) {
        normalizeAndCut(input.substring(from, to), from == 0, out);
      }
    });
  }

  /** One stretch of raw text between added tokens: normalized, then its own added tokens found. */
  private void normalizeAndCut(String segment, boolean atStart, IntList out) {
    String text = Normalizer.apply(pipeline.normalizer(), segment);
    if (normalizedAdded == null) {
      preTokenizer.run(text, 0, text.length(), atStart, out);
      return;
    }
    normalizedAdded.split(text, new AddedToken.Sink() {
      @Override
      public void token(int id) {
        out.add(id);
      }

      @Override
      public void text(int from, int to) {
        preTokenizer.run(text, from, to, atStart && from == 0, out);
      }
    });
  }

  /**
   * A pre-tokenizer step made ready to run: cuts {@code text[from, to)} and hands each piece on.
   * {@code atStart} says the piece begins the input, which Metaspace's "first" scheme asks.
   */
  private interface Stage {
    void run(String text, int from, int to, boolean atStart, IntList out);
  }

  /** Steps {@code i} onward, ending in BPE on each piece. */
  private Stage stages(List<PreTokenizerStep> steps, int i) {
    if (i == steps.size()) return (text, from, to, atStart, out) -> out.addAll(word(text, from, to));
    Stage next = stages(steps, i + 1);
    PreTokenizerStep step = steps.get(i);
    if (step instanceof PreTokenizerStep.Split split) {
      PreTokenizer splitter = PreTokenizer.of(split.regex());
      return (text, from, to, atStart, out) ->
          splitter.split(text, from, to, (a, b) -> next.run(text, a, b, atStart && a == from, out));
    }
    if (step instanceof PreTokenizerStep.ByteLevelStep byteStep) {
      PreTokenizer splitter = byteStep.useRegex() ? PreTokenizer.of(PreTokenizer.GPT2_PATTERN) : null;
      boolean prefix = byteStep.addPrefixSpace();
      return (text, from, to, atStart, out) -> {
        String s = text;
        int a = from, b = to;
        if (prefix && b > a && s.charAt(a) != ' ') {
          s = " " + s.substring(a, b);
          a = 0;
          b = s.length();
        }
        String piece = s;
        int first = a;
        if (splitter == null) next.run(piece, a, b, atStart, out);
        else splitter.split(piece, a, b, (x, y) -> next.run(piece, x, y, atStart && x == first, out));
      };
    }
    PreTokenizerStep.Metaspace meta = (PreTokenizerStep.Metaspace) step;
    String rep = meta.replacement();
    return (text, from, to, atStart, out) -> {
      String s = text.substring(from, to).replace(" ", rep);
      boolean prepend = switch (meta.prependScheme()) {
        case ALWAYS -> true;
        case FIRST -> atStart;
        case NEVER -> false;
      };
      if (prepend && !s.isEmpty() && !s.startsWith(rep)) s = rep + s;
      if (!meta.split()) {
        next.run(s, 0, s.length(), atStart, out);
        return;
      }
      // Hugging Face's MergedWithNext: a new piece at each replacement, which leads it.
      int start = 0;
      for (int at = s.indexOf(rep, 1); at >= 0; at = s.indexOf(rep, at + rep.length())) {
        next.run(s, start, at, atStart && start == 0, out);
        start = at;
      }
      if (start < s.length()) next.run(s, start, s.length(), atStart && start == 0, out);
    };
  }

  /** The ids of one piece, through the per-thread cache. */
  private int[] word(String text, int from, int to) {
    if (from == to) return NONE;
    if (to - from > CACHE_WORD_LIMIT) return encodeWord(text, from, to);
    HashMap<String, int[]> words = cache.get();
    String word = text.substring(from, to);
    int[] ids = words.get(word);
    if (ids == null) {
      ids = encodeWord(text, from, to);
      if (words.size() >= CACHE_LIMIT) words.clear();
      words.put(word, ids);
    }
    return ids;
  }

  private int[] encodeWord(String text, int from, int to) {
    return byteLevel ? encodeBytes(Wtf8.encode(text, from, to)) : encodeChars(text.substring(from, to), false);
  }

  /** BPE on one byte-level word's bytes. */
  int[] encodeBytes(byte[] word) {
    if (pipeline.model().ignoreMerges()) {
      Integer whole = vocab.get(ByteLevel.encode(word));
      if (whole != null) return new int[] {whole};
    }
    int[] ids = new int[word.length];
    for (int i = 0; i < word.length; i++) {
      ids[i] = byteIds[word[i] & 0xFF];
      // a byte without a token: the unknown token's rules, on the word's spelling
      if (ids[i] < 0) return encodeChars(ByteLevel.encode(word), true);
    }
    return merge(ids);
  }

  /**
   * BPE on one word's characters, as Hugging Face's {@code merge_word}: a character without a
   * token takes the {@code <0xNN>} tokens of its bytes (with byte fallback, when all exist), or
   * else the unknown token, one per character or one per run with {@code fuseUnk}. A pending
   * unknown token is placed only when a known character or the end comes, after any byte tokens
   * met in between; that order is Hugging Face's and is kept.
   */
  private int[] encodeChars(String word, boolean spelledBytes) {
    Pipeline.Bpe model = pipeline.model();
    if (model.ignoreMerges() && !spelledBytes) {
      Integer whole = vocab.get(word);
      if (whole != null) return new int[] {whole};
    }
    IntList ids = new IntList(word.length());
    boolean unkPending = false;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      int n = Character.charCount(cp);
      int id = charIds != null && cp <= Character.MAX_VALUE ? charIds[cp]
          : vocab.getOrDefault(word.substring(i, i + n), -1);
      if (id >= 0) {
        if (unkPending) ids.add(unkId);
        unkPending = false;
        ids.add(id);
      } else if (!(model.byteFallback() && addFallback(word, i, i + n, ids))) {
        if (unkId < 0) throw missing(cp, spelledBytes);
        if (unkPending && !model.fuseUnk()) ids.add(unkId);
        unkPending = true;
      }
      i += n;
    }
    if (unkPending) ids.add(unkId);
    return merge(ids.toArray());
  }

  /** Adds the {@code <0xNN>} tokens of {@code word[from, to)}'s bytes; false if one is missing. */
  private boolean addFallback(String word, int from, int to, IntList ids) {
    byte[] b = Wtf8.encode(word, from, to);
    for (byte x : b) if (fallbackIds[x & 0xFF] < 0) return false;
    for (byte x : b) ids.add(fallbackIds[x & 0xFF]);
    return true;
  }

  private static IllegalArgumentException missing(int cp, boolean spelledBytes) {
    if (spelledBytes) {
      byte[] b = ByteLevel.decode(new String(Character.toChars(cp)));
      return new IllegalArgumentException(String.format("byte 0x%02X has no token in this vocabulary", b[0] & 0xFF));
    }
    return new IllegalArgumentException(String.format("character U+%04X has no token in this vocabulary", cp));
  }

  private int[] merge(int[] ids) {
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
  String[] spelled() {
    return spelled;
  }

  boolean isAdded(int id) {
    return isAdded[id];
  }

  List<AddedToken> added() {
    return added;
  }

  int[][] merges() {
    return merges;
  }

  Pipeline pipeline() {
    return pipeline;
  }

  /** A growable int array. */
  static final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
      data = new int[Math.max(capacity, 4)];
    }

    void add(int value) {
      if (size == data.length) data = Arrays.copyOf(data, size * 2);
      data[size++] = value;
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
