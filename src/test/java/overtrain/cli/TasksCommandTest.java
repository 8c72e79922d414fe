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
import picocli.CommandLine;

class TasksCommandTest {
  @TempDir Path dir;

  private String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, new CommandLine(new Main()).execute(args));
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listShowsTypeClassesAndSizesFromDisk() throws Exception {
    Path t = Files.createDirectories(dir.resolve("tw"));
    Files.writeString(t.resolve("spec.yaml"), "preset: tweet_sentiment\n");
    Files.writeString(t.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 2}\n");
    Files.writeString(t.resolve("test.jsonl"), "{\"text\": \"c\", \"label\": 1}\n");
    String table = run("tasks", "list", "--dir", dir.toString());
    assertTrue(table.lines().anyMatch(l -> l.matches("tweet_sentiment\\s+classification\\s+3\\s+2\\s+-\\s+1")), table);

    String shown = run("tasks", "show", "tw", "--dir", dir.toString(), "--split", "train", "-n", "1");
    assertTrue(shown.contains("Tweet: a\nSentiment:") && shown.contains("[0] (gold)  negative"), shown);
    assertTrue(shown.contains("2 examples in train"), shown);
  }
}
