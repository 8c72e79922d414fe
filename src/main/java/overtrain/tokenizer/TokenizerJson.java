package overtrain.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * Hugging Face's {@code tokenizer.json} for BPE: model.type BPE with vocab and merges (read as
 * "a b" strings or as [a, b] pairs, written as strings, which every version reads), the
 * normalizers, pre-tokenizer steps and decoders of {@link Pipeline}, and added_tokens. That
 * covers GPT-2 and GPT-NeoX / OLMo-1 (ByteLevel with its pattern, NFC), cl100k-style files such as
 * OLMo-2's (a Split step, then ByteLevel), and LLaMA's SentencePiece conversions (Prepend and
 * Replace, or Metaspace; byte fallback; an unknown token). Any other component or option is
 * refused, naming the file and the field, rather than encoding differently from Hugging Face.
 */
final class TokenizerJson {

  private TokenizerJson() {}

  static Tokenizer read(Path file) throws IOException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
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
    Pipeline.Bpe bpe = bpe(model, r);

    List<Normalizer> normalizer = new ArrayList<>();
    normalizer(root.path("normalizer"), "normalizer", normalizer, r);
    List<PreTokenizerStep> steps = new ArrayList<>();
    List<String> stepFields = new ArrayList<>();
    preTokenizer(root.path("pre_tokenizer"), "pre_tokenizer", steps, stepFields, r);
    for (int i = 0; i + 1 < steps.size(); i++) {
      if (steps.get(i) instanceof PreTokenizerStep.ByteLevelStep) {
        throw r.error(stepFields.get(i + 1), "nothing after the ByteLevel step " + stepFields.get(i)
            + " (it turns the text into byte symbols)");
      }
    }
    boolean byteLevel = !steps.isEmpty() && steps.get(steps.size() - 1) instanceof PreTokenizerStep.ByteLevelStep;
    if (byteLevel && bpe.byteFallback()) {
      throw r.error("model.byte_fallback", "false with a ByteLevel pre-tokenizer: <0xNN> byte fallback is "
          + "SentencePiece's, not byte-level BPE's");
    }
    List<Decoder> decoder = new ArrayList<>();
    decoder(root.path("decoder"), "decoder", decoder, r);
    JsonNode vocabNode = r.object(model, "vocab", "model.vocab");

    JsonNode addedNode = root.path("added_tokens");
    // Ids number the tokens, with few gaps (cl100k's ranks skip some ids before its specials).
    // An id far past the tokens there are would size the tables by a number in the file, not by
    // what the file holds, so ids stay below twice the tokens and a little more.
    int tokens = vocabNode.size() + (addedNode.isArray() ? addedNode.size() : 0);
    int maxIds = 2 * tokens + 1024;
    List<AddedToken> added = addedTokens(addedNode, maxIds, tokens, r);
    Set<String> addedContents = new HashSet<>();
    for (AddedToken t : added) addedContents.add(t.content());

    Map<String, Integer> ids = new HashMap<>();
    List<String[]> ordinary = new ArrayList<>();
    int size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = "model.vocab[\"" + e.getKey() + "\"]";
      JsonNode id = e.getValue();
      if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) throw r.error(field, "a non-negative integer id");
      if (id.asInt() >= maxIds) {
        throw r.error(field, "an id below " + maxIds + " (twice the file's " + tokens + " tokens, and 1024 more), got " + id.asInt());
      }
      ids.put(e.getKey(), id.asInt());
      size = Math.max(size, id.asInt() + 1);
      if (addedContents.contains(e.getKey())) continue;
      if (byteLevel && ByteLevel.decode(e.getKey()) == null) throw r.error(field, "a token spelled in GPT-2's byte-level alphabet");
      ordinary.add(new String[] {e.getKey(), field});
    }
    String[] vocab = new String[size];
    for (String[] token : ordinary) {
      int id = ids.get(token[0]);
      if (vocab[id] != null) throw r.error(token[1], "an id no other token has");
      vocab[id] = token[0];
    }
    checkAddedIds(added, ids, vocabNode.size(), vocab, r);
    if (bpe.unkToken() != null && !ids.containsKey(bpe.unkToken())) {
      throw r.error("model.unk_token", "a token of model.vocab (got \"" + bpe.unkToken() + "\")");
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
      if (a == null || b == null || ab == null || addedContents.contains(left) || addedContents.contains(right)) {
        throw r.error(field, "two vocabulary tokens whose concatenation is also in the vocabulary");
      }
      merges[i] = new int[] {a, b};
    }
    try {
      return new Tokenizer(vocab, merges, added, new Pipeline(normalizer, steps, bpe, decoder));
    } catch (IllegalArgumentException e) {
      // the tokenizer's own consistency checks (a merge whose bytes are not its token's, say)
      throw new IOException(r.file() + ": " + e.getMessage(), e);
    }
  }

  private static Pipeline.Bpe bpe(JsonNode model, Reader r) throws IOException {
    JsonNode dropout = model.path("dropout");
    if (!dropout.isMissingNode() && !dropout.isNull() && !(dropout.isNumber() && dropout.asDouble() == 0)) {
      throw r.error("model.dropout", "null (dropout makes encoding random: it is for training)");
    }
    for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
      JsonNode n = model.path(affix);
      if (!n.isMissingNode() && !n.isNull() && !(n.isTextual() && n.asText().isEmpty())) {
        throw r.error("model." + affix, "null (subword prefixes and suffixes are not read here)");
      }
    }
    JsonNode unk = model.path("unk_token");
    if (!unk.isMissingNode() && !unk.isNull() && !unk.isTextual()) throw r.error("model.unk_token", "a string or null");
    return new Pipeline.Bpe(unk.isTextual() ? unk.asText() : null, r.bool(model, "fuse_unk", "model", false),
        r.bool(model, "byte_fallback", "model", false), r.bool(model, "ignore_merges", "model", false));
  }

  private static List<AddedToken> addedTokens(JsonNode node, int maxIds, int tokens, Reader r) throws IOException {
    List<AddedToken> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) return out;
    if (!node.isArray()) throw r.error("added_tokens", "an array");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      String field = "added_tokens[" + i + "]";
      JsonNode id = t.path("id");
      if (!id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 0) throw r.error(field + ".id", "a non-negative integer");
      if (id.asInt() >= maxIds) {
        throw r.error(field + ".id", "an id below " + maxIds + " (twice the file's " + tokens + " tokens, and 1024 more), got " + id.asInt());
      }
      if (!t.path("content").isTextual() || t.get("content").asText().isEmpty()) {
        throw r.error(field + ".content", "a string that is not empty");
      }
      String content = t.get("content").asText();
      if (!seen.add(content)) throw r.error(field + ".content", "content no other added token has (\"" + content + "\" again)");
      // Hugging Face requires these fields; a file without them reads as this project's own
      // special tokens always were: special, found by id only.
      boolean special = r.bool(t, "special", field, true);
      boolean normalized = r.bool(t, "normalized", field, !special);
      boolean singleWord = r.bool(t, "single_word", field, false);
      boolean lstrip = r.bool(t, "lstrip", field, false);
      boolean rstrip = r.bool(t, "rstrip", field, false);
      if (!special) {
        // Found in the text, these would move the token's edges; the models here never ask it.
        if (singleWord) throw r.error(field + ".single_word", "false for a token that is not special");
        if (lstrip) throw r.error(field + ".lstrip", "false for a token that is not special");
        if (rstrip) throw r.error(field + ".rstrip", "false for a token that is not special");
      }
      out.add(new AddedToken(id.asInt(), content, singleWord, lstrip, rstrip, normalized, special));
    }
    return out;
  }

  /**
   * Hugging Face ignores the ids of added_tokens: it gives each its id in model.vocab, or else
   * the next free one after the vocabulary and the added tokens before it. A file whose ids say
   * otherwise would give other ids there than here, so it is refused.
   */
  private static void checkAddedIds(List<AddedToken> added, Map<String, Integer> ids, int vocabCount, String[] vocab,
      Reader r) throws IOException {
    int max = -1;
    for (int i = 0; i < added.size(); i++) {
      AddedToken t = added.get(i);
      Integer inVocab = ids.get(t.content());
      int expected = inVocab != null ? inVocab : max < 0 ? vocabCount : max >= vocabCount || vocabCount == 0 ? max + 1 : vocabCount;
      String field = "added_tokens[" + i + "].id";
      if (t.id() != expected) {
        throw r.error(field, expected + " (" + (inVocab != null ? "its id in model.vocab" : "the next id after model.vocab "
            + "and the added tokens before it") + ", which Hugging Face gives it), got " + t.id());
      }
      if (inVocab == null && expected < vocab.length && vocab[expected] != null) {
        throw r.error(field, "an id no token of model.vocab has (Hugging Face gives it " + expected + ", which is \""
            + vocab[expected] + "\"'s)");
      }
      max = Math.max(max, expected);
    }
  }

  private static void normalizer(JsonNode node, String field, List<Normalizer> out, Reader r) throws IOException {
    if (field.equals("normalizer") && (node.isMissingNode() || node.isNull())) return;
    if (!node.isObject()) throw r.error(field, "an object");
    String type = node.path("type").asText();
    switch (type) {
      case "NFC" -> out.add(new Normalizer.Nfc());
      case "Prepend" -> out.add(new Normalizer.Prepend(r.text(node, "prepend", field)));
      case "Replace" -> out.add(new Normalizer.Replace(literal(node, field, r), r.text(node, "content", field)));
      case "Sequence" -> {
        JsonNode steps = node.path("normalizers");
        if (!steps.isArray()) throw r.error(field + ".normalizers", "an array");
        for (int i = 0; i < steps.size(); i++) normalizer(steps.get(i), field + ".normalizers[" + i + "]", out, r);
      }
      default -> throw r.error(field + ".type", "\"NFC\", \"Prepend\", \"Replace\" or \"Sequence\" (got \"" + type + "\")");
    }
  }

  /** Collects the steps of a pre-tokenizer, each with its field for errors. */
  private static void preTokenizer(JsonNode node, String field, List<PreTokenizerStep> out, List<String> fields, Reader r)
      throws IOException {
    if (field.equals("pre_tokenizer") && (node.isMissingNode() || node.isNull())) return;
    if (!node.isObject()) throw r.error(field, "an object");
    String type = node.path("type").asText();
    switch (type) {
      case "ByteLevel" -> {
        // Hugging Face's defaults for absent fields: add_prefix_space and use_regex true.
        out.add(new PreTokenizerStep.ByteLevelStep(r.bool(node, "add_prefix_space", field, true),
            r.bool(node, "use_regex", field, true)));
        fields.add(field);
      }
      case "Split" -> {
        JsonNode pattern = node.path("pattern");
        PreTokenizerStep.Split split;
        if (pattern.path("Regex").isTextual()) split = new PreTokenizerStep.Split(pattern.get("Regex").asText(), false);
        else if (pattern.path("String").isTextual()) split = new PreTokenizerStep.Split(pattern.get("String").asText(), true);
        else throw r.error(field + ".pattern", "{\"Regex\": ...} or {\"String\": ...}");
        try {
          Pattern.compile(split.regex(), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
          throw r.error(field + ".pattern.Regex", "a regular expression Java reads (" + e.getDescription() + ")");
        }
        if (!node.path("behavior").asText("Isolated").equals("Isolated")) {
          throw r.error(field + ".behavior", "\"Isolated\" (the only behaviour read here)");
        }
        if (r.bool(node, "invert", field, false)) throw r.error(field + ".invert", "false");
        out.add(split);
        fields.add(field);
      }
      case "Metaspace" -> {
        out.add(new PreTokenizerStep.Metaspace(oneChar(node, "replacement", field, r), prependScheme(node, field, r),
            r.bool(node, "split", field, true)));
        fields.add(field);
      }
      case "Sequence" -> {
        JsonNode steps = node.path("pretokenizers");
        if (!steps.isArray()) throw r.error(field + ".pretokenizers", "an array");
        for (int i = 0; i < steps.size(); i++) preTokenizer(steps.get(i), field + ".pretokenizers[" + i + "]", out, fields, r);
      }
      default -> throw r.error(field + ".type",
          "\"ByteLevel\", \"Split\", \"Metaspace\" or \"Sequence\" (got \"" + type + "\")");
    }
  }

  private static void decoder(JsonNode node, String field, List<Decoder> out, Reader r) throws IOException {
    if (field.equals("decoder") && (node.isMissingNode() || node.isNull())) return;
    if (!node.isObject()) throw r.error(field, "an object");
    String type = node.path("type").asText();
    switch (type) {
      case "ByteLevel" -> out.add(new Decoder.ByteLevelDecoder());
      case "Replace" -> out.add(new Decoder.Replace(literal(node, field, r), r.text(node, "content", field)));
      case "ByteFallback" -> out.add(new Decoder.ByteFallback());
      case "Fuse" -> out.add(new Decoder.Fuse());
      case "Strip" -> out.add(new Decoder.Strip(oneChar(node, "content", field, r), r.count(node, "start", field),
          r.count(node, "stop", field)));
      case "Metaspace" -> out.add(new Decoder.Metaspace(oneChar(node, "replacement", field, r), prependScheme(node, field, r)));
      case "Sequence" -> {
        JsonNode steps = node.path("decoders");
        if (!steps.isArray()) throw r.error(field + ".decoders", "an array");
        for (int i = 0; i < steps.size(); i++) decoder(steps.get(i), field + ".decoders[" + i + "]", out, r);
      }
      default -> throw r.error(field + ".type", "\"ByteLevel\", \"Replace\", \"ByteFallback\", \"Fuse\", \"Strip\", "
          + "\"Metaspace\" or \"Sequence\" (got \"" + type + "\")");
    }
  }

  /** A Replace's pattern: a literal string (LLaMA's " " and "▁"). */
  private static String literal(JsonNode node, String field, Reader r) throws IOException {
    JsonNode pattern = node.path("pattern");
    if (pattern.path("String").isTextual() && !pattern.get("String").asText().isEmpty()) return pattern.get("String").asText();
    if (pattern.has("Regex")) throw r.error(field + ".pattern", "{\"String\": ...} (a Regex pattern is not read here)");
    throw r.error(field + ".pattern", "{\"String\": ...} with a string that is not empty");
  }

  private static String oneChar(JsonNode node, String name, String field, Reader r) throws IOException {
    String s = r.text(node, name, field);
    if (s.codePointCount(0, s.length()) != 1) throw r.error(field + "." + name, "one character (got \"" + s + "\")");
    return s;
  }

  /**
   * Metaspace's prepend_scheme ("always" when absent), or the older add_prefix_space, which
   * Hugging Face reads as "never" when false and refuses beside any other scheme.
   */
  private static PreTokenizerStep.PrependScheme prependScheme(JsonNode node, String field, Reader r) throws IOException {
    PreTokenizerStep.PrependScheme scheme = PreTokenizerStep.PrependScheme.ALWAYS;
    JsonNode s = node.path("prepend_scheme");
    if (!s.isMissingNode() && !s.isNull()) {
      scheme = null;
      for (PreTokenizerStep.PrependScheme p : PreTokenizerStep.PrependScheme.values()) if (p.json().equals(s.asText())) scheme = p;
      if (scheme == null || !s.isTextual()) throw r.error(field + ".prepend_scheme", "\"first\", \"always\" or \"never\"");
    }
    if (!r.bool(node, "add_prefix_space", field, true)) {
      if (scheme != PreTokenizerStep.PrependScheme.NEVER) {
        throw r.error(field + ".add_prefix_space", "true, or prepend_scheme \"never\" (false with \"" + scheme.json()
            + "\" contradicts it)");
      }
    }
    return scheme;
  }

  static void write(Tokenizer tokenizer, Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (AddedToken a : tokenizer.added()) {
      ObjectNode t = added.addObject();
      t.put("id", a.id());
      t.put("content", a.content());
      t.put("single_word", a.singleWord());
      t.put("lstrip", a.lstrip());
      t.put("rstrip", a.rstrip());
      t.put("normalized", a.normalized());
      t.put("special", a.special());
    }
    Pipeline pipeline = tokenizer.pipeline();
    List<ObjectNode> normalizers = new ArrayList<>();
    for (Normalizer n : pipeline.normalizer()) normalizers.add(normalizerNode(n));
    root.set("normalizer", oneOrSequence(normalizers, "normalizers"));
    List<ObjectNode> steps = new ArrayList<>();
    for (PreTokenizerStep s : pipeline.preTokenizer()) steps.add(stepNode(s));
    root.set("pre_tokenizer", oneOrSequence(steps, "pretokenizers"));
    root.putNull("post_processor");
    List<ObjectNode> decoders = new ArrayList<>();
    for (Decoder d : pipeline.decoder()) decoders.add(decoderNode(d));
    root.set("decoder", oneOrSequence(decoders, "decoders"));

    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", pipeline.model().unkToken());
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", pipeline.model().fuseUnk());
    model.put("byte_fallback", pipeline.model().byteFallback());
    model.put("ignore_merges", pipeline.model().ignoreMerges());
    ObjectNode vocab = model.putObject("vocab");
    String[] spelled = tokenizer.spelled();
    for (int id = 0; id < spelled.length; id++) if (spelled[id] != null) vocab.put(spelled[id], id);
    ArrayNode merges = model.putArray("merges");
    boolean spaces = false;
    for (int[] m : tokenizer.merges()) spaces |= spelled[m[0]].contains(" ") || spelled[m[1]].contains(" ");
    for (int[] m : tokenizer.merges()) {
      // "a b" cannot hold a token with a space; pairs can, and versions from 0.20 on read them
      if (spaces) merges.addArray().add(spelled[m[0]]).add(spelled[m[1]]);
      else merges.add(spelled[m[0]] + " " + spelled[m[1]]);
    }

    AtomicWrite.write(file, out -> Json.PRETTY.writeValue(out, root));
  }

  private static JsonNode oneOrSequence(List<ObjectNode> nodes, String listName) {
    if (nodes.isEmpty()) return Json.MAPPER.nullNode();
    if (nodes.size() == 1) return nodes.get(0);
    ObjectNode seq = Json.object();
    seq.put("type", "Sequence");
    seq.putArray(listName).addAll(nodes);
    return seq;
  }

  private static ObjectNode normalizerNode(Normalizer n) {
    ObjectNode node = Json.object();
    if (n instanceof Normalizer.Nfc) {
      node.put("type", "NFC");
    } else if (n instanceof Normalizer.Prepend p) {
      node.put("type", "Prepend");
      node.put("prepend", p.prepend());
    } else {
      Normalizer.Replace replace = (Normalizer.Replace) n;
      node.put("type", "Replace");
      node.putObject("pattern").put("String", replace.pattern());
      node.put("content", replace.content());
    }
    return node;
  }

  private static ObjectNode stepNode(PreTokenizerStep s) {
    ObjectNode node = Json.object();
    if (s instanceof PreTokenizerStep.ByteLevelStep b) {
      node.put("type", "ByteLevel");
      node.put("add_prefix_space", b.addPrefixSpace());
      node.put("trim_offsets", true);
      node.put("use_regex", b.useRegex());
    } else if (s instanceof PreTokenizerStep.Split split) {
      node.put("type", "Split");
      node.putObject("pattern").put(split.literal() ? "String" : "Regex", split.pattern());
      node.put("behavior", "Isolated");
      node.put("invert", false);
    } else {
      PreTokenizerStep.Metaspace m = (PreTokenizerStep.Metaspace) s;
      node.put("type", "Metaspace");
      node.put("replacement", m.replacement());
      node.put("prepend_scheme", m.prependScheme().json());
      node.put("split", m.split());
    }
    return node;
  }

  private static ObjectNode decoderNode(Decoder d) {
    ObjectNode node = Json.object();
    if (d instanceof Decoder.ByteLevelDecoder) {
      node.put("type", "ByteLevel");
      node.put("add_prefix_space", true);
      node.put("trim_offsets", true);
      node.put("use_regex", true);
    } else if (d instanceof Decoder.Replace replace) {
      node.put("type", "Replace");
      node.putObject("pattern").put("String", replace.pattern());
      node.put("content", replace.content());
    } else if (d instanceof Decoder.ByteFallback) {
      node.put("type", "ByteFallback");
    } else if (d instanceof Decoder.Fuse) {
      node.put("type", "Fuse");
    } else if (d instanceof Decoder.Strip strip) {
      node.put("type", "Strip");
      node.put("content", strip.content());
      node.put("start", strip.start());
      node.put("stop", strip.stop());
    } else {
      Decoder.Metaspace m = (Decoder.Metaspace) d;
      node.put("type", "Metaspace");
      node.put("replacement", m.replacement());
      node.put("prepend_scheme", m.prependScheme().json());
      node.put("split", true);
    }
    return node;
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

    /** {@code parent.name}, or {@code absent} when it is missing or null. */
    boolean bool(JsonNode parent, String name, String field, boolean absent) throws IOException {
      JsonNode node = parent.path(name);
      if (node.isMissingNode() || node.isNull()) return absent;
      if (!node.isBoolean()) throw error(field + "." + name, "true or false");
      return node.asBoolean();
    }

    String text(JsonNode parent, String name, String field) throws IOException {
      JsonNode node = parent.path(name);
      if (!node.isTextual()) throw error(field + "." + name, "a string");
      return node.asText();
    }

    int count(JsonNode parent, String name, String field) throws IOException {
      JsonNode node = parent.path(name);
      if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
        throw error(field + "." + name, "a non-negative integer");
      }
      return node.asInt();
    }
  }
}
