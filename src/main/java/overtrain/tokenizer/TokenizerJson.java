package overtrain.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overtrain.io.AtomicWrite;

/**
 * Hugging Face's {@code tokenizer.json} for byte-level BPE: model.type BPE with vocab and merges
 * (merges read as "a b" strings or as [a, b] pairs, written as strings, which every version
 * reads), the GPT-2 pattern as a ByteLevel pre-tokenizer or other patterns as Split steps,
 * an optional NFC normalizer, and added_tokens for the special tokens.
 */
final class TokenizerJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  static Tokenizer read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.CharConversionException e) {
      // Jackson guesses UTF-16 or UTF-32 from the first bytes and can then find them cut short
      throw new IOException(file + ": not valid JSON text: " + e.getMessage(), e);
    }
    Reader r = new Reader(file);
    if (root == null || !root.isObject()) throw r.error("(top level)", "a JSON object");
    JsonNode model = r.object(root, "model", "model");
    String type = model.path("type").asText("BPE");
    if (!type.equals("BPE")) throw r.error("model.type", "\"BPE\" (got \"" + type + "\")");
    if (model.path("byte_fallback").asBoolean(false)) {
      throw r.error("model.byte_fallback", "false: <0xNN> byte fallback is SentencePiece's, not byte-level BPE's");
    }
    JsonNode vocabNode = r.object(model, "vocab", "model.vocab");

    Map<String, Integer> specials = new LinkedHashMap<>();
    JsonNode added = root.path("added_tokens");
    // Ids number the tokens: an id past every token there is would leave a gap, and the tables
    // sized by it would be allocated from a number in the file, not from what the file holds.
    int maxIds = vocabNode.size() + (added.isArray() ? added.size() : 0);
    if (!added.isMissingNode() && !added.isNull()) {
      if (!added.isArray()) throw r.error("added_tokens", "an array");
      for (int i = 0; i < added.size(); i++) {
        JsonNode t = added.get(i);
        String field = "added_tokens[" + i + "]";
        if (!t.path("id").canConvertToInt() || !t.path("id").isIntegralNumber() || t.path("id").asInt() < 0) {
          throw r.error(field + ".id", "a non-negative integer");
        }
        if (t.path("id").asInt() >= maxIds) {
          throw r.error(field + ".id", "an id below " + maxIds + " (the file's token count), got " + t.path("id").asInt());
        }
        if (!t.path("content").isTextual()) throw r.error(field + ".content", "a string");
        specials.put(t.get("content").asText(), t.get("id").asInt());
      }
    }

    Map<String, Integer> ids = new HashMap<>();
    int size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode id = e.getValue();
      if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
        throw r.error("model.vocab[\"" + e.getKey() + "\"]", "a non-negative integer id");
      }
      if (id.asInt() >= maxIds) {
        throw r.error("model.vocab[\"" + e.getKey() + "\"]", "an id below " + maxIds
            + " (the file's token count), got " + id.asInt());
      }
      ids.put(e.getKey(), id.asInt());
      size = Math.max(size, id.asInt() + 1);
    }
    byte[][] vocab = new byte[size][];
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      if (specials.containsKey(e.getKey())) continue;
      byte[] bytes = ByteLevel.decode(e.getKey());
      if (bytes == null) {
        throw r.error("model.vocab[\"" + e.getKey() + "\"]", "a token spelled in GPT-2's byte-level alphabet");
      }
      if (vocab[e.getValue()] != null) throw r.error("model.vocab[\"" + e.getKey() + "\"]", "an id no other token has");
      vocab[e.getValue()] = bytes;
    }

    JsonNode mergesNode = model.path("merges");
    if (!mergesNode.isArray()) throw r.error("model.merges", "an array of \"a b\" strings or [a, b] pairs");
    int[][] merges = new int[mergesNode.size()][];
    for (int i = 0; i < merges.length; i++) {
      JsonNode m = mergesNode.get(i);
      String field = "model.merges[" + i + "]";
      String left, right;
      if (m.isTextual() && m.asText().split(" ", -1).length == 2) {
        String[] parts = m.asText().split(" ", -1);
        left = parts[0];
        right = parts[1];
      } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
        left = m.get(0).asText();
        right = m.get(1).asText();
      } else {
        throw r.error(field, "\"a b\" or [\"a\", \"b\"]");
      }
      Integer a = ids.get(left), b = ids.get(right), ab = ids.get(left + right);
      if (a == null || b == null || ab == null || vocab[a] == null || vocab[b] == null) {
        throw r.error(field, "two vocabulary tokens whose concatenation is also in the vocabulary");
      }
      merges[i] = new int[] {a, b};
    }
    Tokenizer.Options options = options(root, r);
    try {
      return new Tokenizer(vocab, merges, specials, options);
    } catch (IllegalArgumentException e) {
      // the tokenizer's own consistency checks (a merge whose bytes are not its token's, say)
      throw new IOException(r.file() + ": " + e.getMessage(), e);
    }
  }

  private static Tokenizer.Options options(JsonNode root, Reader r) throws IOException {
    boolean nfc = false;
    JsonNode normalizer = root.path("normalizer");
    if (!normalizer.isMissingNode() && !normalizer.isNull()) {
      String type = normalizer.path("type").asText();
      boolean emptySequence = type.equals("Sequence") && normalizer.path("normalizers").isEmpty();
      if (type.equals("NFC")) nfc = true;
      else if (!emptySequence) throw r.error("normalizer.type", "null or \"NFC\" (got \"" + type + "\")");
    }
    List<String> patterns = new ArrayList<>();
    boolean[] prefixSpace = new boolean[1];
    boolean byteLevel = preTokenizer(root.path("pre_tokenizer"), "pre_tokenizer", patterns, prefixSpace, r);
    if (!byteLevel) throw r.error("pre_tokenizer", "a ByteLevel step (this reader handles byte-level BPE only)");
    if (patterns.isEmpty()) throw r.error("pre_tokenizer", "a pattern to split words by (ByteLevel use_regex or a Split)");
    boolean ignoreMerges = root.path("model").path("ignore_merges").asBoolean(false);
    return new Tokenizer.Options(patterns, nfc, prefixSpace[0], ignoreMerges);
  }

  /** Collects the patterns of a pre-tokenizer; true if it has a ByteLevel step. */
  private static boolean preTokenizer(JsonNode node, String field, List<String> patterns, boolean[] prefixSpace, Reader r)
      throws IOException {
    String type = node.path("type").asText();
    switch (type) {
      case "ByteLevel" -> {
        // Hugging Face's defaults for absent fields: add_prefix_space and use_regex true.
        prefixSpace[0] = node.path("add_prefix_space").asBoolean(true);
        if (node.path("use_regex").asBoolean(true)) patterns.add(PreTokenizer.GPT2_PATTERN);
        return true;
      }
      case "Split" -> {
        JsonNode pattern = node.path("pattern");
        if (pattern.path("Regex").isTextual()) patterns.add(pattern.get("Regex").asText());
        else if (pattern.path("String").isTextual()) patterns.add(java.util.regex.Pattern.quote(pattern.get("String").asText()));
        else throw r.error(field + ".pattern", "{\"Regex\": ...} or {\"String\": ...}");
        if (!node.path("behavior").asText("Isolated").equals("Isolated")) {
          throw r.error(field + ".behavior", "\"Isolated\" (the only behaviour that keeps every character)");
        }
        if (node.path("invert").asBoolean(false)) throw r.error(field + ".invert", "false");
        return false;
      }
      case "Sequence" -> {
        JsonNode steps = node.path("pretokenizers");
        if (!steps.isArray()) throw r.error(field + ".pretokenizers", "an array");
        boolean byteLevel = false;
        for (int i = 0; i < steps.size(); i++) {
          byteLevel |= preTokenizer(steps.get(i), field + ".pretokenizers[" + i + "]", patterns, prefixSpace, r);
        }
        return byteLevel;
      }
      default -> throw r.error(field + ".type", "\"ByteLevel\", \"Split\" or \"Sequence\" (got \"" + type + "\")");
    }
  }

  static void write(Tokenizer tokenizer, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (Map.Entry<String, Integer> e : tokenizer.specials().entrySet()) {
      ObjectNode t = added.addObject();
      t.put("id", e.getValue());
      t.put("content", e.getKey());
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    Tokenizer.Options options = tokenizer.options();
    if (options.nfc()) root.putObject("normalizer").put("type", "NFC");
    else root.putNull("normalizer");
    if (options.patterns().equals(List.of(PreTokenizer.GPT2_PATTERN))) {
      byteLevel(root.putObject("pre_tokenizer"), options.addPrefixSpace(), true);
    } else {
      ObjectNode seq = root.putObject("pre_tokenizer");
      seq.put("type", "Sequence");
      ArrayNode steps = seq.putArray("pretokenizers");
      for (String pattern : options.patterns()) {
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", pattern);
        split.put("behavior", "Isolated");
        split.put("invert", false);
      }
      byteLevel(steps.addObject(), options.addPrefixSpace(), false);
    }
    root.putNull("post_processor");
    byteLevel(root.putObject("decoder"), true, true);

    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", options.ignoreMerges());
    ObjectNode vocab = model.putObject("vocab");
    byte[][] tokens = tokenizer.tokens();
    String[] spelled = new String[tokens.length];
    for (int id = 0; id < tokens.length; id++) {
      if (tokens[id] == null) continue;
      spelled[id] = tokenizer.isSpecial(id) ? new String(tokens[id], StandardCharsets.UTF_8) : ByteLevel.encode(tokens[id]);
      vocab.put(spelled[id], id);
    }
    ArrayNode merges = model.putArray("merges");
    for (int[] m : tokenizer.merges()) merges.add(spelled[m[0]] + " " + spelled[m[1]]);

    AtomicWrite.write(file, out -> JSON.writeValue(out, root));
  }

  private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean useRegex) {
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", addPrefixSpace);
    node.put("trim_offsets", true);
    node.put("use_regex", useRegex);
  }

  /** Field access with errors that name the file and the field. */
  private record Reader(Path file) {
    IOException error(String field, String expected) {
      return new IOException(file + ": field " + field + ": expected " + expected);
    }

    JsonNode object(JsonNode parent, String name, String field) throws IOException {
      JsonNode node = parent.path(name);
      if (!node.isObject()) throw error(field, "an object");
      return node;
    }
  }
}
