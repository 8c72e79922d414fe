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

class TheoryCommandTest {

  @TempDir Path dir;

  @Test
  void runsAConfigAndWritesItsFiles() throws Exception {
    Path config = Files.writeString(dir.resolve("small.yaml"), String.join("\n",
        "dimension: 8", "hidden: 8", "rank: 3",
        "pretrain: {min_time: 1, max_time: 30, points: 5, trajectory_points: 5}",
        "finetune: {steps: 5, lrs: [0.1], lambdas: [0], angles_degrees: [0, 50]}", ""));
    Path out = dir.resolve("out");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Main()).execute("theory", "--config", config.toString(), "--out", out.toString());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, code);
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertEquals(2, printed.lines().filter(l -> l.contains("inflection")).count(), printed);
    assertTrue(Files.exists(out.resolve("theory.json")) && Files.exists(out.resolve("theory-lr.png")));
  }

  @Test
  void badConfigIsAMessageNotAStackTrace() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "rank: -1\n");
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Main()).execute("theory", "--config", config.toString(), "--out",
          dir.resolve("out").toString());
    } finally {
      System.setErr(stderr);
    }
    assertEquals(2, code);
    String message = captured.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("bad.yaml") && message.contains("rank") && !message.contains("\tat "), message);
  }
}
