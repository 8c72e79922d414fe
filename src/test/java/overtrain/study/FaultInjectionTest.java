package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code study run --workers 2} with its workers, and once itself, killed with SIGKILL at
 * random moments (seeded), run again until it finishes: every cell must be done exactly once
 * and the results must equal an uninterrupted run's bit for bit.
 */
class FaultInjectionTest {
  @TempDir Path root;

  @Test
  void killedWorkersAndAKilledRunStillGiveTheCleanResults() throws Exception {
    // A kill aimed at a worker that has ended meanwhile is not counted; the loop aims again
    // at the next, so the faults happen whatever the machine's speed.
    String selftest = "{stages: 2, cells_per_stage: 2, seconds: 0.3, seed: 11}";
    Path file = Studies.selftest(root.resolve("faults"), "faults", selftest);
    StudyDir clean = Studies.runClean(Studies.selftest(root.resolve("clean"), "faults", selftest));
    StudyDir dir = new StudyDir(StudyFile.load(file));

    Random random = new Random(20240611);
    int workerKills = 0;
    boolean runKilled = false;
    File output = root.resolve("run-output.txt").toFile();
    for (int round = 0; round < 20; round++) {
      Process run = new ProcessBuilder(Studies.overtrain("study", "run", file.toString(), "--workers", "2"))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output)).start();
      while (run.isAlive() && (workerKills < 3 || !runKilled)) {
        ProcessHandle worker = waitForWorker(run);
        if (worker == null) break;
        Thread.sleep(random.nextInt(400));
        if (workerKills >= 2 && !runKilled) {
          // The run itself dies; its workers, orphaned, go on and finish their cells.
          run.destroyForcibly();
          runKilled = true;
          break;
        }
        if (worker.isAlive()) {
          worker.destroyForcibly();
          workerKills++;
        }
      }
      assertTrue(run.waitFor(120, TimeUnit.SECONDS), "study run did not end");
      if (run.exitValue() == 0) {
        if (workerKills >= 1 && runKilled) break;
        // Done before the faults were all made (a fast machine): start the study afresh. No
        // orphan writes to it: the run was not killed, so it ended after all its workers.
        deleteTree(dir.root());
      }
    }
    String log = Files.readString(output.toPath());
    assertTrue(workerKills >= 1 && runKilled, "faults injected: " + workerKills + " worker kills, run killed " + runKilled);
    for (Cell c : dir.plan().cells()) {
      assertTrue(dir.isDone(c.id()), c.label() + " not done; run output:\n" + log);
      assertEquals(1, Studies.completions(dir, c.id()), c.label() + " finished more than once");
    }
    assertEquals(Results.of(clean).csv(), Results.of(dir).csv());
    // Every claim is gone, and nothing half-written is left.
    for (Cell c : dir.plan().cells()) {
      assertTrue(!Files.exists(dir.claim(c.id())), c.label() + " still claimed");
    }
  }

  @Test
  void aStoppedRunEndsItsWorkersAndReleasesTheirCells() throws Exception {
    // Cells long enough to be stopped in the middle of, on any machine.
    Path file = Studies.selftest(root, "stopped", "{stages: 1, cells_per_stage: 2, seconds: 30}");
    StudyDir dir = new StudyDir(StudyFile.load(file));
    Process run = new ProcessBuilder(Studies.overtrain("study", "run", file.toString(), "--workers", "2"))
        .redirectErrorStream(true).redirectOutput(root.resolve("stopped.txt").toFile()).start();
    List<Cell> cells = dir.plan().cells();
    while (!cells.stream().allMatch(c -> Files.exists(dir.claim(c.id())))) {
      assertTrue(run.isAlive(), "study run ended early: " + Files.readString(root.resolve("stopped.txt")));
      Thread.sleep(20);
    }
    List<ProcessHandle> workers = run.toHandle().children().toList();
    assertEquals(2, workers.size());
    run.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
    assertTrue(run.waitFor(60, TimeUnit.SECONDS));
    for (ProcessHandle w : workers) {
      assertTrue(w.onExit().get(60, TimeUnit.SECONDS) != null && !w.isAlive());
    }
    for (Cell c : cells) {
      assertTrue(!Files.exists(dir.claim(c.id())), c.label() + " is still claimed");
      assertTrue(!dir.isDone(c.id()));
    }
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    try (var all = Files.walk(p)) {
      for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }

  /** A live worker of {@code run}, waiting for one to start; null once the run has ended. */
  private static ProcessHandle waitForWorker(Process run) throws InterruptedException {
    while (run.isAlive()) {
      List<ProcessHandle> workers = run.toHandle().children().filter(ProcessHandle::isAlive).toList();
      if (!workers.isEmpty()) return workers.get(0);
      Thread.sleep(20);
    }
    return null;
  }
}
