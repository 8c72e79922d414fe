package overtrain.data.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import overtrain.data.Documents;
import overtrain.formats.Npy;
import overtrain.io.Json;
import overtrain.tokenizer.Tokenizer;

/**
 * Turns a corpus folder into token files: {@code train.npy} and {@code heldout.npy}, each the
 * concatenation of its documents' ids with the end-of-text token after every document (so a
 * training window that crosses a boundary sees where one text stops), plus {@code tokens.json}
 * recording the counts and the checksums of the tokenizer and corpus manifest they came from.
 * Ids are uint16 when the whole vocabulary fits, so both files of one tokenizer share a dtype.
 * Documents are encoded in batches on the tokenizer's threads; output order is input order.
 */
public final class CorpusTokenizer {
  private static final int BATCH = 256;
  private static final List<String> SPLITS = List.of("train", "heldout");

  private CorpusTokenizer() {}

  /** Token and document counts of one split. */
  public record SplitCount(String split, long documents, long tokens) {}

  /** Documents in the corpus's split files, for sizing a progress bar. */
  public static long countDocuments(Path corpus) throws IOException {
    long n = 0;
    for (String split : SPLITS) {
      try (BufferedReader r = Files.newBufferedReader(splitFile(corpus, split), StandardCharsets.UTF_8)) {
        n += r.lines().filter(l -> !l.isBlank()).count();
      }
    }
    return n;
  }

  /**
   * Tokenizes {@code corpus}'s train and held-out files into {@code out}; {@code tokenizerSource}
   * names the tokenizer for {@code tokens.json} (a file, whose sha256 is recorded, or a built-in
   * name); {@code progress} hears the number of documents done after each batch.
   */
  public static List<SplitCount> tokenize(Path corpus, Tokenizer tokenizer, String tokenizerSource,
      Path out, LongConsumer progress) throws IOException {
    if (tokenizer.special(Tokenizer.END_OF_TEXT).isEmpty()) {
      throw new IOException(tokenizerSource + ": tokenizer has no " + Tokenizer.END_OF_TEXT
          + " special token to put between documents");
    }
    Files.createDirectories(out);
    Npy.DType dtype = tokenizer.vocabSize() <= 1 << 16 ? Npy.DType.UINT16 : Npy.DType.UINT32;
    List<SplitCount> counts = new ArrayList<>();
    for (String split : SPLITS) counts.add(tokenizeSplit(splitFile(corpus, split), split, tokenizer, dtype, out, progress));

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("tokenizer", tokenizerSource);
    Path tokFile = Path.of(tokenizerSource);
    info.put("tokenizer_sha256", Files.isRegularFile(tokFile) ? sha256(tokFile) : null);
    info.put("vocab_size", tokenizer.vocabSize());
    info.put("end_of_text", tokenizer.endOfText());
    info.put("dtype", dtype.descr);
    info.put("corpus", corpus.toAbsolutePath().normalize().toString());
    Path manifest = corpus.resolve("manifest.json");
    info.put("corpus_manifest_sha256", Files.isRegularFile(manifest) ? sha256(manifest) : null);
    for (SplitCount c : counts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", c.split() + ".npy");
      m.put("documents", c.documents());
      m.put("tokens", c.tokens());
      m.put("sha256", sha256(out.resolve(c.split() + ".npy")));
      info.put(c.split(), m);
    }
    Json.write(out.resolve("tokens.json"), Json.MAPPER.valueToTree(info));
    return counts;
  }

  private static Path splitFile(Path corpus, String split) throws IOException {
    Path f = corpus.resolve(split + ".jsonl");
    if (!Files.isRegularFile(f)) {
      throw new IOException(f + ": missing; a corpus folder holds train.jsonl and heldout.jsonl (overtrain data fetch|import)");
    }
    return f;
  }

  private static SplitCount tokenizeSplit(Path file, String split, Tokenizer tokenizer, Npy.DType dtype,
      Path out, LongConsumer progress) throws IOException {
    int eot = tokenizer.endOfText();
    int[][] tokens = {new int[1 << 20]};
    int[] length = {0};
    long[] documents = {0};
    List<String> batch = new ArrayList<>(BATCH);
    Runnable flush = () -> {
      for (int[] ids : tokenizer.encodeAll(batch)) {
        int need = length[0] + ids.length + 1;
        if (need < 0) throw new IllegalStateException(file + ": more than 2^31 tokens; split the corpus into shards");
        if (need > tokens[0].length) tokens[0] = Arrays.copyOf(tokens[0], (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * tokens[0].length)));
        System.arraycopy(ids, 0, tokens[0], length[0], ids.length);
        tokens[0][length[0] + ids.length] = eot;
        length[0] = need;
      }
      documents[0] += batch.size();
      progress.accept(batch.size());
      batch.clear();
    };
    Documents.forEach(file, d -> {
      batch.add(d.text());
      if (batch.size() == BATCH) flush.run();
    });
    if (!batch.isEmpty()) flush.run();

    ByteBuffer data = ByteBuffer.allocate(Math.multiplyExact(length[0], dtype.bytes)).order(ByteOrder.LITTLE_ENDIAN);
    int[] ids = tokens[0];
    for (int i = 0; i < length[0]; i++) {
      if (dtype == Npy.DType.UINT16) data.putShort((short) ids[i]);
      else data.putInt(ids[i]);
    }
    Npy.write(out.resolve(split + ".npy"), dtype, new long[] {length[0]}, data.flip());
    return new SplitCount(split, documents[0], length[0]);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    try (var in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
