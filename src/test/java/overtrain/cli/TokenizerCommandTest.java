package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.formats.Npy;
import overtrain.tokenizer.Tokenizer;
import picocli.CommandLine;

class TokenizerCommandTest {
  @TempDir Path dir;

  /** Runs {@code overtrain args...} and returns what it printed on stdout. */
  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(0, new CommandLine(new Main()).execute(args));
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void trainEncodeAndDecodeFromTheCommandLine() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    String text = "The quick brown fox jumps over the lazy dog.\r\n\tÉmoji: 😀 ";
    Files.writeString(corpus.resolve("a.txt"), text.repeat(30));
    Files.writeString(corpus.resolve("b.jsonl"), "{\"text\": \"another document, another day\"}\n");
    Path json = dir.resolve("tokenizer.json");
    run("tokenizer", "train", "--corpus", corpus.toString(), "--vocab-size", "300", "--out", json.toString());
    Tokenizer t = Tokenizer.load(json);
    assertEquals(300, t.vocabSize());

    String printed = run("tokenizer", "encode", "--tokenizer", json.toString(), "--text", text);
    int[] ids = t.encode(text);
    assertTrue(printed.startsWith(ids.length + " tokens\n"), printed);
    // Control characters in the pieces are shown escaped, never raw.
    assertTrue(printed.contains("\\r") && printed.contains("\\t") && !printed.contains("\r"), printed);

    Path npy = dir.resolve("ids.npy");
    Npy.writeTokens(npy, ids, ids.length);
    assertEquals(text, run("tokenizer", "decode", "--tokenizer", json.toString(), npy.toString()));
  }
}
