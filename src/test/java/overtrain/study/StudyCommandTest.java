package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.cli.Main;

/** The {@code study} commands as a user types them. */
class StudyCommandTest {
  @TempDir Path root;

  record Ran(int code, String out, String err) {}

  static Ran overtrain(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.commandLine().execute(args);
      return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  @Test
  void runGoesOnPastAFailedCellAndSaysWhichAndWhere() throws Exception {
    // Cell 1.1 fails: cells 2.1 and 2.3 (which read it) cannot run; 2.2 can.
    Path file = Studies.selftest(root, "failing", "{stages: 2, cells_per_stage: 3, seconds: 0.01, fail: [\"1.1\"]}");
    Ran run = overtrain("study", "run", file.toString(), "--workers", "2");
    assertEquals(1, run.code(), run.out() + run.err());
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);
    Cell bad = plan.stages().get(0).get(0);
    assertTrue(run.out().contains("failed: " + bad.label()) && run.out().contains(dir.log(bad.id()).toString()), run.out());
    assertTrue(Files.readString(dir.log(bad.id())).contains("on purpose"), "the worker's output is in log.txt");
    assertTrue(run.out().contains("3/6 cells done, 1 failed, 2 not run"), run.out());
    assertTrue(dir.isDone(plan.stages().get(1).get(1).id()));

    Ran status = overtrain("study", "status", file.toString(), "--verbose");
    assertEquals(0, status.code());
    assertTrue(status.out().contains("6 cells: 3 done, 0 running, 0 stale, 1 failed, 0 ready, 2 waiting"), status.out());
    assertTrue(status.out().lines().anyMatch(l -> l.contains("failed") && l.contains(bad.id())), status.out());

    Ran results = overtrain("study", "results", file.toString(), "--format", "csv");
    assertEquals(0, results.code(), results.err());
    assertEquals(1 + 3 * 2, results.out().lines().count(), results.out());
  }

  @Test
  void planPrintsEveryCellByStageAndAnEstimate() throws Exception {
    Path file = Studies.selftest(root, "planned", "{stages: 2, cells_per_stage: 2, seconds: 2.0}");
    Ran plan = overtrain("study", "plan", file.toString(), "--workers", "2");
    assertEquals(0, plan.code(), plan.err());
    List<String> lines = plan.out().lines().toList();
    assertTrue(lines.contains("stage 1: 2 cells") && lines.contains("stage 2: 2 cells"), plan.out());
    assertEquals(4, lines.stream().filter(l -> l.contains("selftest stage=")).count());
    assertTrue(plan.out().contains("total: 4 cells (0 done), 40,000,000 tokens"), plan.out());
    // Each cell is its 2 s of work plus a worker's start, which plan measures (so it is read
    // back from the output, not assumed); two stages of two cells on two workers take half.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "([0-9.]+) s of cell time, ([0-9.]+) s wall on 2 workers .*including ([0-9.]+) s to start each worker")
        .matcher(plan.out());
    assertTrue(m.find(), plan.out());
    double cell = Double.parseDouble(m.group(1)), wall = Double.parseDouble(m.group(2));
    double start = Double.parseDouble(m.group(3));
    assertEquals(4 * (2.0 + start), cell, 4 * 0.05 + 0.05, plan.out());
    assertEquals(cell / 2, wall, 0.1, plan.out());
  }

  @Test
  void submitDryRunWritesAnArrayPerStageOfTheCellsNotDone() throws Exception {
    Path file = Studies.selftest(root, "slurmdry", "{stages: 2, cells_per_stage: 3, seconds: 0.01}");
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = Studies.runClean(file);
    Files.delete(dir.result(plan.stages().get(1).get(2).id()));
    Ran submit = overtrain("study", "submit", file.toString(), "--slurm", "--dry-run", "--partition", "cpu");
    assertEquals(0, submit.code(), submit.err());
    assertTrue(submit.out().contains("stage-2.sbatch") && !submit.out().contains("stage-1.sbatch"), submit.out());
    String script = Files.readString(dir.root().resolve("slurm/stage-2.sbatch"));
    assertTrue(script.contains("#SBATCH --array=0-0\n") && script.contains("#SBATCH --partition=cpu\n"), script);
    // Tasks read the study folder's copy, so a preset name or a later edit of the file the
    // user passed cannot change what a queued cell runs.
    Path copy = dir.root().resolve("study.yaml").toAbsolutePath();
    assertTrue(script.contains("'study' 'run-cell' '" + copy + "' \"$cell\""), script);
    assertEquals(Files.readString(file), Files.readString(copy));
    try (var files = Files.list(dir.root().resolve("slurm"))) {
      Path cells = files.filter(p -> p.toString().endsWith(".cells")).findFirst().orElseThrow();
      assertEquals(List.of(plan.stages().get(1).get(2).id()), Files.readAllLines(cells));
    }
  }

  @Test
  void everyCommandExplainsItselfWithAnExample() {
    for (String c : List.of("plan", "run", "run-cell", "status", "results", "submit")) {
      Ran help = overtrain("study", c, "--help");
      assertEquals(0, help.code());
      assertTrue(help.out().contains("Example: overtrain study " + c), help.out());
    }
  }
}
