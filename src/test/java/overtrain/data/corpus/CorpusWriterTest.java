package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import overtrain.data.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private static Path write(Path dir, HeldOutSplit split, int n) throws IOException {
    try (CorpusWriter w = new CorpusWriter(dir, split)) {
      w.beginSource(Map.of("name", "synthetic"));
      for (int i = 0; i < n; i++) w.add("doc/" + i, "Document number " + i + ".\r\n");
      return w.finish(Map.of());
    }
  }

  private static List<String> ids(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(l -> {
      try {
        return JSON.readTree(l).get("id").asText();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  @Test
  void splitIsDisjointCompleteAndNearTheFraction() throws IOException {
    int n = 2000;
    write(tmp, new HeldOutSplit(0.1, 7), n);
    List<String> train = ids(tmp.resolve("train.jsonl")), held = ids(tmp.resolve("heldout.jsonl"));
    Set<String> both = new HashSet<>(train);
    both.retainAll(held);
    assertTrue(both.isEmpty(), "documents on both sides: " + both);
    assertEquals(n, train.size() + held.size());
    // Binomial(2000, 0.1): mean 200, sd 13.4; 5 sd either side.
    assertTrue(held.size() > 133 && held.size() < 267, "held out " + held.size());
  }

  @Test
  void sameSeedSameBitsOtherSeedOtherSplit() throws IOException {
    Path a = write(tmp.resolve("a"), new HeldOutSplit(0.1, 1), 500);
    Path b = write(tmp.resolve("b"), new HeldOutSplit(0.1, 1), 500);
    write(tmp.resolve("c"), new HeldOutSplit(0.1, 2), 500);
    for (String f : List.of("train.jsonl", "heldout.jsonl", "manifest.json")) {
      assertArrayEquals(Files.readAllBytes(a.resolveSibling(f)), Files.readAllBytes(b.resolveSibling(f)), f);
    }
    assertFalse(ids(tmp.resolve("a/heldout.jsonl")).equals(ids(tmp.resolve("c/heldout.jsonl"))));
  }

  @Test
  void dropsDuplicatesAndEmptiesAndRecordsThemInTheManifest() throws Exception {
    Path manifest;
    try (CorpusWriter w = new CorpusWriter(tmp, new HeldOutSplit(0, 0))) {
      w.beginSource(Map.of("name", "s", "licence", "test"));
      w.add("a", "Same text.\n");
      w.add("b", "Same text.\r\n\r\n"); // identical once cleaned
      w.add("c", "Cafe\u0301");
      w.add("d", " \n ");
      manifest = w.finish(Map.of("made_by", "test"));
    }
    List<Documents.Document> docs = new java.util.ArrayList<>();
    Documents.forEach(tmp.resolve("train.jsonl"), docs::add);
    assertEquals(List.of("Same text.", "Caf\u00e9"), docs.stream().map(Documents.Document::text).toList());
    JsonNode m = JSON.readTree(manifest.toFile());
    JsonNode s = m.get("sources").get(0);
    assertEquals("test", s.get("licence").asText());
    assertEquals(2, s.get("documents").asLong());
    assertEquals(1, s.get("duplicates_dropped").asLong());
    assertEquals(1, s.get("empty_dropped").asLong());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(tmp.resolve("train.jsonl"))));
    assertEquals(sha, m.get("files").get("train.jsonl").get("sha256").asText());
    assertEquals(0, m.get("files").get("heldout.jsonl").get("documents").asLong());
    assertFalse(Files.exists(tmp.resolve("train.jsonl.tmp")));
  }

  @Test
  void importsTxtAndJsonlGzAndNamesTheBadLine() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("a.txt"), "A plain text document.");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(src.resolve("sub/shard.jsonl.gz")))) {
      out.write("{\"text\": \"first record\"}\n\n{\"text\": \"second record\", \"url\": \"x\"}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    Path out = tmp.resolve("corpus");
    try (CorpusWriter w = new CorpusWriter(out, new HeldOutSplit(0, 0))) {
      CorpusImport.write(src, w);
      w.finish(Map.of());
    }
    assertEquals(List.of("a.txt", "sub/shard.jsonl.gz:1", "sub/shard.jsonl.gz:3"), ids(out.resolve("train.jsonl")));

    Files.writeString(src.resolve("b.jsonl"), "{\"text\": \"ok\"}\n{\"txt\": \"wrong field\"}\n");
    IOException e;
    try (CorpusWriter w = new CorpusWriter(tmp.resolve("bad"), new HeldOutSplit(0, 0))) {
      e = assertThrows(IOException.class, () -> CorpusImport.write(src, w));
    }
    assertTrue(e.getMessage().contains("b.jsonl:2"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("bad/train.jsonl")), "a failed import must not leave a corpus");
    assertFalse(Files.exists(tmp.resolve("bad/train.jsonl.tmp")));
  }

  @Test
  void rejectsBadFractionAndEmptyCorpus() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> new HeldOutSplit(1.0, 0));
    assertThrows(IllegalArgumentException.class, () -> new HeldOutSplit(-0.1, 0));
    try (CorpusWriter w = new CorpusWriter(tmp, new HeldOutSplit(0.02, 0))) {
      w.beginSource(Map.of("name", "s"));
      w.add("x", "\n\n");
      IOException e = assertThrows(IOException.class, () -> w.finish(Map.of()));
      assertTrue(e.getMessage().contains("no documents"), e.getMessage());
    }
  }
}
