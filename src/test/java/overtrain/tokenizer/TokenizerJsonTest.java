package overtrain.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {
  @TempDir Path dir;

  @Test
  void trainedTokenizerSurvivesSaveAndLoad() throws IOException {
    Tokenizer t = BpeTrainer.train(Samples.corpus(100), 500, List.of());
    Path file = dir.resolve("tokenizer.json");
    t.save(file);
    Tokenizer back = Tokenizer.load(file);
    assertEquals(t.vocabSize(), back.vocabSize());
    assertEquals(t.specials(), back.specials());
    String text = Samples.varied();
    assertArrayEquals(t.encode(text), back.encode(text));
    back.save(dir.resolve("again.json"));
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("again.json")));
  }

  @Test
  void splitPatternsAndNfcSurviveSaveAndLoad() throws IOException {
    // cl100k's pattern is written as a Split step; a small vocabulary keeps the test quick.
    Tokenizer trained = BpeTrainer.train(Samples.corpus(50), 400, List.of());
    Tokenizer t = new Tokenizer(trained.spelled(), trained.merges(), trained.added(),
        Pipeline.byteLevel(List.of(PreTokenizer.CL100K_PATTERN), true, false, false));
    Path file = dir.resolve("cl100k-style.json");
    t.save(file);
    Tokenizer back = Tokenizer.load(file);
    String text = Samples.varied();
    assertArrayEquals(t.encode(text), back.encode(text));
    assertEquals(t.endOfText(), back.endOfText());
    assertEquals(t.pipeline(), back.pipeline());
  }

  /** A minimal file in Hugging Face's format, written by hand; merges as strings or as pairs. */
  private Path minimal(String merges, String preTokenizer) throws IOException {
    Path file = dir.resolve("minimal.json");
    Files.writeString(file, """
        {"version": "1.0",
         "added_tokens": [{"id": 9, "content": "<|endoftext|>", "special": true}],
         "normalizer": {"type": "NFC"},
         "pre_tokenizer": %s,
         "decoder": {"type": "ByteLevel"},
         "model": {"type": "BPE",
                   "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "abc": 5, "Ġabc": 6, "Ã": 7, "©": 8,
                             "<|endoftext|>": 9},
                   "merges": %s}}
        """.formatted(preTokenizer, merges));
    return file;
  }

  private static final String BYTE_LEVEL = "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": true}";

  @Test
  void handWrittenFileLoadsWithMergesAsStringsOrPairs() throws IOException {
    for (String merges : List.of("[\"a b\", \"ab c\", \"Ġ abc\"]", "[[\"a\", \"b\"], [\"ab\", \"c\"], [\"Ġ\", \"abc\"]]")) {
      Tokenizer t = Tokenizer.load(minimal(merges, BYTE_LEVEL));
      assertArrayEquals(new int[] {5, 6, 0}, t.encode("abc abca"));
      // NFC: e + combining acute becomes é, bytes C3 A9, spelled "Ã©".
      assertArrayEquals(new int[] {7, 8}, t.encode("e\u0301"));
      assertEquals(9, t.endOfText());
      assertEquals("abc abca", t.decode(t.encode("abc abca")));
    }
  }

  @Test
  void fileWrittenByHuggingFaceGivesItsIds() throws Exception {
    // Fixture and expected ids from make_hf_fixture.py (Hugging Face's own trainer and encoder).
    Path file = Path.of(getClass().getResource("hf-bytelevel.json").toURI());
    Tokenizer t = Tokenizer.load(file);
    JsonNode expected = new ObjectMapper().readTree(getClass().getResource("hf-expected.json"));
    assertTrue(expected.size() > 0);
    for (JsonNode e : expected) {
      String text = e.get("text").asText();
      int[] ids = new int[e.get("ids").size()];
      for (int i = 0; i < ids.length; i++) ids[i] = e.get("ids").get(i).asInt();
      assertArrayEquals(ids, t.encode(text), text);
      assertEquals(text, t.decode(ids));
    }
    assertEquals(0, t.endOfText());
  }

  @Test
  void prefixSpaceAndSequenceOfSplitAndByteLevelAreHonoured() throws IOException {
    String seq = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \" ?[a-c]+\"},"
        + " \"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"use_regex\": false}]}";
    Tokenizer t = Tokenizer.load(minimal("[\"a b\", \"ab c\", \"Ġ abc\"]", seq));
    assertArrayEquals(new int[] {6, 6}, t.encode("abc abc"));
  }

  @Test
  void missingBytesAreReportedWhenEncoding() throws IOException {
    Tokenizer t = Tokenizer.load(minimal("[]", BYTE_LEVEL));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.encode("z"));
    assertTrue(e.getMessage().contains("0x7A"), e.getMessage());
  }

  @Test
  void missingCharactersAreReportedWhenEncoding() throws IOException {
    // SentencePiece-style (no ByteLevel step) without byte fallback or an unknown token
    Path file = dir.resolve("chars.json");
    Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2},"
        + " \"merges\": [\"a b\"]}}");
    Tokenizer t = Tokenizer.load(file);
    assertArrayEquals(new int[] {2, 0}, t.encode("aba"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.encode("az"));
    assertTrue(e.getMessage().contains("U+007A"), e.getMessage());
  }

  /**
   * What Hugging Face has and this reader does not read is refused, naming the field, rather
   * than encoded some other way.
   */
  @Test
  void unsupportedComponentsAndOptionsAreRefusedByName() throws IOException {
    String model = "\"model\": {\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"vocab\": {\"a\": 0, \"<unk>\": 1}, \"merges\": []}";
    String split = "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"a+\"}, \"behavior\": \"Isolated\", \"invert\": false}";
    assertError("{\"normalizer\": {\"type\": \"Lowercase\"}, " + model + "}", "field normalizer.type");
    assertError("{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, {\"type\": \"Replace\","
        + " \"pattern\": {\"Regex\": \" +\"}, \"content\": \" \"}]}, " + model + "}", "field normalizer.normalizers[1].pattern");
    assertError("{\"pre_tokenizer\": " + split.replace("Isolated", "Removed") + ", " + model + "}", "field pre_tokenizer.behavior");
    assertError("{\"pre_tokenizer\": " + split.replace("a+", "(?<x") + ", " + model + "}", "field pre_tokenizer.pattern.Regex");
    assertError("{\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [" + BYTE_LEVEL + ", " + split + "]}, "
        + model + "}", "field pre_tokenizer.pretokenizers[1]");
    assertError("{\"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"add_prefix_space\": false}, "
        + model + "}", "field pre_tokenizer.add_prefix_space");
    assertError("{\"decoder\": {\"type\": \"WordPiece\"}, " + model + "}", "field decoder.type");
    assertError("{" + model.replace("\"BPE\",", "\"BPE\", \"dropout\": 0.1,") + "}", "field model.dropout");
    assertError("{" + model.replace("\"BPE\",", "\"BPE\", \"continuing_subword_prefix\": \"##\",") + "}",
        "field model.continuing_subword_prefix");
    assertError("{\"pre_tokenizer\": " + BYTE_LEVEL + ", " + model.replace("\"BPE\",", "\"BPE\", \"byte_fallback\": true,")
        .replace("\"a\": 0", "\"Ġ\": 0") + "}", "field model.byte_fallback");
    assertError("{" + model.replace("\"unk_token\": \"<unk>\"", "\"unk_token\": \"<oov>\"") + "}", "field model.unk_token");
    assertError("{\"added_tokens\": [{\"id\": 5, \"content\": \"<x>\", \"special\": true}], " + model + "}",
        "field added_tokens[0].id: expected 2");
    assertError("{\"added_tokens\": [{\"id\": 2, \"content\": \"<x>\", \"special\": false, \"lstrip\": true}], " + model + "}",
        "field added_tokens[0].lstrip");
  }

  @Test
  void malformedFilesNameTheFileAndTheField() throws IOException {
    assertError("{\"model\": {\"type\": \"BPE\", \"merges\": []}}", "model.vocab");
    assertError("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "model.type");
    assertError("{\"pre_tokenizer\": " + BYTE_LEVEL + ", \"model\": {\"vocab\": {\"a\": 0}, \"merges\": [\"a zz\"]}}",
        "model.merges[0]");
    assertError("{\"pre_tokenizer\": " + BYTE_LEVEL + ", \"model\": {\"vocab\": {\"a\": \"x\"}, \"merges\": []}}",
        "model.vocab[\"a\"]");
    assertError("{\"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"model\": {\"vocab\": {}, \"merges\": []}}",
        "pre_tokenizer.type");
    assertError("{\"added_tokens\": [{\"content\": \"x\"}], \"model\": {\"vocab\": {}, \"merges\": []}}",
        "added_tokens[0].id");
    assertError("{\"model\": ", "not valid JSON");
  }

  private void assertError(String json, String expected) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json);
    IOException e = assertThrows(IOException.class, () -> Tokenizer.load(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** Bytes Jackson takes for UTF-32 and finds cut short: an error naming the file. */
  @org.junit.jupiter.api.Test
  void jsonTextCutShortIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
    java.nio.file.Path file = tmp.resolve("tokenizer.json");
    java.nio.file.Files.write(file, new byte[] {0x2d, 0, 0, 0, 4});
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Tokenizer.load(file));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(file + ": not valid JSON text"), e.getMessage());
  }
}
