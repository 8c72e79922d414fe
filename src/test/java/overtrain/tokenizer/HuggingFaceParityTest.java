package overtrain.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our tokenizer against Hugging Face's own ({@code tokenizers}, the Rust library, through DJL)
 * on the same tokenizer.json: every id of every text, and the text of every decoding. The files
 * are written by {@link HfFiles} in the layouts of the models the paper uses, and by our own
 * writer. Texts hold no special token's content: here that is text, there the token (see
 * {@link #specialTokenTextIsTextHereAndTheTokenThere}).
 */
class HuggingFaceParityTest {
  /** Encoding without BOS and the like, untruncated, unpadded: the ids of the text alone. */
  private static final Map<String, String> PLAIN = Map.of("addSpecialTokens", "false", "truncation", "false",
      "padding", "false");

  @TempDir Path dir;

  @Test
  void olmo1StyleFileEncodesAsHuggingFaceDoes() throws IOException {
    compare(HfFiles.olmo1(dir));
  }

  @Test
  void olmo2StyleFileEncodesAsHuggingFaceDoesWithAndWithoutIgnoreMerges() throws IOException {
    Path plain = HfFiles.olmo2(dir, false), ignoring = HfFiles.olmo2(dir, true);
    compare(plain);
    compare(ignoring);
    // ignore_merges has to change something for the second file to test it
    String text = HfFiles.parityText();
    assertFalse(Arrays.equals(Tokenizer.load(plain).encode(text), Tokenizer.load(ignoring).encode(text)),
        "ignore_merges changed no id");
  }

  @ParameterizedTest
  @EnumSource(HfFiles.LlamaStyle.class)
  void llamaStyleFilesEncodeAsHuggingFaceDoes(HfFiles.LlamaStyle style) throws IOException {
    compare(HfFiles.llama(dir, style, Set.of(), true));
  }

  /** Without the bytes that lead CJK characters and emoji, those take the unknown token. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void llamaStyleFilesWithoutSomeByteTokensUseTheUnknownTokenAsHuggingFaceDoes(boolean fuseUnk) throws IOException {
    Set<Integer> missing = Set.of(0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xF0, 0xF1, 0xF2, 0xF3);
    for (HfFiles.LlamaStyle style : HfFiles.LlamaStyle.values()) {
      Path file = HfFiles.llama(dir, style, missing, fuseUnk);
      compare(file);
      Tokenizer t = Tokenizer.load(file);
      int unk = t.special("<unk>").orElseThrow();
      assertTrue(Arrays.stream(t.encode("世界 😀 龘")).anyMatch(id -> id == unk), style.name());
    }
  }

  /** Files our writer makes, from training and from jtokkit's ranks, read the same there. */
  @Test
  void filesWrittenHereEncodeTheSameThere() throws IOException {
    Tokenizer trained = HfFiles.byteLevel();
    List<Tokenizer> tokenizers = List.of(trained,
        new Tokenizer(trained.spelled(), trained.merges(), trained.added(),
            Pipeline.byteLevel(List.of(PreTokenizer.CL100K_PATTERN), true, false, false)),
        new Tokenizer(trained.spelled(), trained.merges(), trained.added(),
            Pipeline.byteLevel(List.of(PreTokenizer.GPT2_PATTERN), false, true, true)),
        Tokenizer.named("r50k_base"), Tokenizer.named("cl100k_base"));
    for (int i = 0; i < tokenizers.size(); i++) {
      Path file = dir.resolve("written-" + i + ".json");
      tokenizers.get(i).save(file);
      compare(file);
    }
  }

  /** A file of each kind read here and written back means there what the original did. */
  @Test
  void filesReadHereAndWrittenBackEncodeTheSameThere() throws IOException {
    List<Path> originals = List.of(HfFiles.olmo1(dir), HfFiles.olmo2(dir, true),
        HfFiles.llama(dir, HfFiles.LlamaStyle.PREPEND_NORMALIZER, Set.of(0xF0), true),
        HfFiles.llama(dir, HfFiles.LlamaStyle.METASPACE_FIRST, Set.of(), false),
        HfFiles.llama(dir, HfFiles.LlamaStyle.METASPACE_LEGACY, Set.of(), true));
    for (Path original : originals) {
      Tokenizer ours = Tokenizer.load(original);
      Path again = dir.resolve("again-" + original.getFileName());
      ours.save(again);
      try (HuggingFaceTokenizer before = HuggingFaceTokenizer.newInstance(original, PLAIN);
          HuggingFaceTokenizer after = HuggingFaceTokenizer.newInstance(again, PLAIN)) {
        for (String text : texts(ours)) {
          long[] ids = before.encode(text, false, false).getIds();
          assertEquals(Arrays.toString(ids), Arrays.toString(after.encode(text, false, false).getIds()),
              original.getFileName() + ": " + text);
        }
      }
      compare(again);
    }
  }

  /**
   * Any ids, not only those an encoding gives (a model's samples cut characters in half), decode
   * to Hugging Face's text. The byte ED is left out: followed by A0 to BF it spells a surrogate,
   * which we read back (so that every Java string round-trips) and Hugging Face replaces.
   */
  @Test
  void anyIdsDecodeToHuggingFacesText() throws IOException {
    List<Path> files = List.of(HfFiles.olmo1(dir), HfFiles.olmo2(dir, false),
        HfFiles.llama(dir, HfFiles.LlamaStyle.PREPEND_NORMALIZER, Set.of(), true),
        HfFiles.llama(dir, HfFiles.LlamaStyle.METASPACE_LEGACY, Set.of(0xF0), false));
    Random random = new Random(23);
    for (Path file : files) {
      Tokenizer ours = Tokenizer.load(file);
      try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, PLAIN)) {
        Set<String> byteEd = Set.of("<0xED>", ByteLevel.encode(new byte[] {(byte) 0xED}));
        int[] pool = IntStream.range(0, tokenCount(file))
            .filter(id -> ours.spelled()[id] != null && !byteEd.contains(ours.spelled()[id])).toArray();
        for (int trial = 0; trial < 300; trial++) {
          int[] ids = new int[1 + random.nextInt(12)];
          for (int i = 0; i < ids.length; i++) ids[i] = pool[random.nextInt(pool.length)];
          // half the trials draw from the bytes and their neighbours, to cut characters often
          if (trial % 2 == 0) for (int i = 0; i < ids.length; i++) ids[i] = pool[random.nextInt(Math.min(pool.length, 300))];
          assertEquals(hf.decode(Arrays.stream(ids).asLongStream().toArray(), false), ours.decode(ids),
              file.getFileName() + ": ids " + Arrays.toString(ids));
        }
      }
    }
  }

  /** Hugging Face builds its merge table as a map, so a repeated merge keeps its last rank. */
  @Test
  void aRepeatedMergeTakesItsLastRankAsHuggingFaceDoes() throws IOException {
    Path file = dir.resolve("repeated-merge.json");
    StringBuilder vocab = new StringBuilder();
    for (int b = 0; b < 256; b++) vocab.append('"').append(jsonEscape(ByteLevel.encode(new byte[] {(byte) b}))).append("\": ")
        .append(b).append(", ");
    Files.writeString(file, """
        {"version": "1.0", "added_tokens": [], "normalizer": null,
         "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
         "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
         "model": {"type": "BPE", "vocab": {%s "ab": 256, "bc": 257},
                   "merges": ["a b", "b c", "a b"]}}
        """.formatted(vocab));
    compare(file);
    assertEquals(List.of('a' + 0, 257), Arrays.stream(Tokenizer.load(file).encode("abc")).boxed().toList());
  }

  /**
   * The one difference kept on purpose: a special token's content in the text is text here (a
   * document that quotes {@code <|endoftext|>} must not end there), and the token in Hugging
   * Face's encoding, which splits the text at it.
   */
  @Test
  void specialTokenTextIsTextHereAndTheTokenThere() throws IOException {
    Path file = HfFiles.olmo2(dir, false);
    Tokenizer ours = Tokenizer.load(file);
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, PLAIN)) {
      String text = "the end <|endoftext|> of it";
      long[] theirs = hf.encode(text, false, false).getIds();
      int[] mine = ours.encode(text);
      assertTrue(Arrays.stream(theirs).anyMatch(id -> id == ours.endOfText()));
      assertTrue(Arrays.stream(mine).noneMatch(id -> id == ours.endOfText()));
      assertEquals(text, ours.decode(mine));
    }
  }

  /** Every text of {@link #texts} gives Hugging Face's ids and decodes to Hugging Face's text. */
  private static void compare(Path file) throws IOException {
    Tokenizer ours = Tokenizer.load(file);
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, PLAIN)) {
      for (String text : texts(ours)) {
        Encoding expected = hf.encode(text, false, false);
        int[] actual = ours.encode(text);
        assertSameIds(file, text, expected, actual);
        String decoded = hf.decode(expected.getIds(), false);
        assertEquals(decoded, ours.decode(actual), file.getFileName() + ": decoding " + abbreviate(text));
      }
    }
  }

  /**
   * The parity text, each of its lines alone (a line's start is a text's start, which Metaspace
   * and Prepend treat apart), the hard strings and random texts, with special tokens broken up.
   */
  private static List<String> texts(Tokenizer ours) {
    List<String> texts = new ArrayList<>();
    String parity = HfFiles.parityText();
    texts.add(parity);
    texts.addAll(Arrays.asList(parity.split("\n")));
    for (String s : Samples.hard()) if (!Samples.hasLoneSurrogate(s)) texts.add(s);
    texts.add(Samples.varied());
    for (int seed = 0; seed < 5; seed++) texts.add(Samples.randomText(new Random(seed), 400));
    return texts.stream().map(t -> HfFiles.withoutTokens(t, ours.specials().keySet())).toList();
  }

  private static void assertSameIds(Path file, String text, Encoding expected, int[] actual) {
    long[] ids = expected.getIds();
    int n = Math.min(ids.length, actual.length), i = 0;
    while (i < n && ids[i] == actual[i]) i++;
    if (i == ids.length && i == actual.length) return;
    int from = Math.max(0, i - 3);
    String[] tokens = expected.getTokens();
    fail(file.getFileName() + ": ids differ at " + i + " of " + ids.length + " in " + abbreviate(text)
        + "\n  Hugging Face: " + window(ids, from) + " " + List.of(tokens).subList(from, Math.min(tokens.length, from + 8))
        + "\n  ours:         " + Arrays.stream(actual).skip(from).limit(8).boxed().toList());
  }

  private static String window(long[] ids, int from) {
    return Arrays.stream(ids).skip(from).limit(8).boxed().toList().toString();
  }

  private static String abbreviate(String text) {
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return "\"" + shown.codePoints().mapToObj(cp -> cp < 32 ? String.format("\\x%02x", cp) : Character.toString(cp))
        .collect(Collectors.joining()) + "\" (" + text.length() + " chars)";
  }

  /** Ids the file itself gives: its vocabulary and added tokens, without those we append. */
  private static int tokenCount(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    int max = -1;
    for (JsonNode id : root.path("model").path("vocab")) max = Math.max(max, id.asInt());
    for (JsonNode t : root.path("added_tokens")) max = Math.max(max, t.path("id").asInt());
    return max + 1;
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
