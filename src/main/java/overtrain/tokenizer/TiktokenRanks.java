package overtrain.tokenizer;

import com.knuddels.jtokkit.api.Encoding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's encodings from the {@code .tiktoken} rank files inside jtokkit's jar. tiktoken ranks
 * tokens rather than merges; the merge that makes each token is recovered the way Hugging Face's
 * converter does it: BPE on the token's bytes with only lower-ranked tokens allowed must end in
 * exactly two parts, and those two are its merge.
 */
final class TiktokenRanks {
  static final List<String> NAMES = List.of("r50k_base", "cl100k_base");

  private TiktokenRanks() {}

  static Tokenizer tokenizer(String name) throws IOException {
    Map<String, Integer> specials = new LinkedHashMap<>();
    String pattern;
    switch (name) {
      case "r50k_base" -> {
        pattern = PreTokenizer.GPT2_PATTERN;
        specials.put(Tokenizer.END_OF_TEXT, 50256);
      }
      case "cl100k_base" -> {
        pattern = PreTokenizer.CL100K_PATTERN;
        specials.put(Tokenizer.END_OF_TEXT, 100257);
        specials.put("<|fim_prefix|>", 100258);
        specials.put("<|fim_middle|>", 100259);
        specials.put("<|fim_suffix|>", 100260);
        specials.put("<|endofprompt|>", 100276);
      }
      default -> throw new IllegalArgumentException("unknown tokenizer name '" + name + "' (known: " + NAMES + ")");
    }
    byte[][] vocab = readRanks(name);
    return new Tokenizer(vocab, merges(vocab), specials, Pipeline.byteLevel(List.of(pattern), false, false, false));
  }

  /** Token bytes by rank (= id). */
  private static byte[][] readRanks(String name) throws IOException {
    String resource = "/com/knuddels/jtokkit/" + name + ".tiktoken";
    List<byte[]> byRank = new ArrayList<>();
    try (InputStream in = Encoding.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException(resource + ": not found in jtokkit's jar");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        int space = line.indexOf(' ');
        if (space < 0 || Integer.parseInt(line.substring(space + 1)) != byRank.size()) {
          throw new IOException(resource + ":" + lineNo + ": expected 'BASE64 RANK' with ranks 0, 1, 2, ...");
        }
        byRank.add(Base64.getDecoder().decode(line.substring(0, space)));
      }
    }
    return byRank.toArray(new byte[0][]);
  }

  /**
   * The merge behind every multi-byte token, in rank order: the token's bytes, merged with the
   * merges found so far (all of lower rank), must end in two tokens.
   */
  private static int[][] merges(byte[][] vocab) {
    int[] byteIds = new int[256];
    for (int id = 0; id < vocab.length; id++) if (vocab[id].length == 1) byteIds[vocab[id][0] & 0xFF] = id;
    PairMap table = new PairMap(vocab.length);
    List<int[]> merges = new ArrayList<>();
    for (int id = 0; id < vocab.length; id++) {
      byte[] bytes = vocab[id];
      if (bytes.length < 2) continue;
      int[] parts = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) parts[i] = byteIds[bytes[i] & 0xFF];
      parts = Tokenizer.mergeLinear(parts, table);
      if (parts.length != 2) throw new IllegalStateException("token " + id + " is not one merge of lower-ranked tokens");
      table.put(PairMap.key(parts[0], parts[1]), ((long) merges.size() << 32) | id);
      merges.add(parts);
    }
    return merges.toArray(new int[0][]);
  }
}
