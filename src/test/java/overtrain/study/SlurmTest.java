package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A selftest study on a real Slurm (.ci/slurm.sh starts a one-node cluster): submitted, one
 * task cancelled while it works, resubmitted; every cell must end done exactly once with the
 * results of an uninterrupted local run. Skipped where there is no sbatch, except in CI.
 */
class SlurmTest {
  private static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(3);

  @TempDir Path root;

  @Test
  void aCancelledTaskIsRedoneByAResubmission() throws Exception {
    boolean haveSbatch = onPath("sbatch");
    if (!haveSbatch && "true".equals(System.getenv("CI"))) {
      fail("sbatch is not on PATH in CI: .ci/run starts Slurm with .ci/slurm.sh before the tests");
    }
    assumeTrue(haveSbatch, "sbatch is not on PATH: no Slurm here (.ci/slurm.sh starts one)");
    long start = System.nanoTime();
    // Slurm tasks run as the folder's owner in its own working directory: a shared path.
    String selftest = "{stages: 2, cells_per_stage: 3, seconds: 0.3, seed: 5}";
    String name = "slurmtest" + ProcessHandle.current().pid();
    Path file = Studies.selftest(root.resolve("slurm"), name, selftest);
    StudyDir clean = Studies.runClean(Studies.selftest(root.resolve("clean"), name, selftest));
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);

    List<String> jobs = new ArrayList<>(submit(file));
    assertEquals(2, jobs.size(), "one array per stage");
    // Cancel stage 1's second task once it works on its cell (its claim exists).
    Cell victim = plan.stages().get(0).get(1);
    while (!Files.exists(dir.claim(victim.id())) && !dir.isDone(victim.id())) {
      checkDeadline(start, dir, "the second task of stage 1 to start");
      Thread.sleep(20);
    }
    run("scancel", jobs.get(0) + "_1");
    // Wait until the cancelled task is gone from the queue, then send again what is not done.
    while (!run("squeue", "-h", "-j", jobs.get(0) + "_1", "-o", "%i").isBlank()) {
      checkDeadline(start, dir, "the cancelled task to leave the queue");
      Thread.sleep(100);
    }
    jobs.addAll(submit(file));
    while (!run("squeue", "-h", "-j", String.join(",", jobs), "-o", "%i").isBlank()) {
      checkDeadline(start, dir, "the study's jobs to end");
      Thread.sleep(200);
    }
    for (Cell c : plan.cells()) {
      assertTrue(dir.isDone(c.id()), c.label() + " not done; log:\n" + log(dir, c));
      assertEquals(1, Studies.completions(dir, c.id()), c.label() + " finished more than once:\n" + log(dir, c));
    }
    assertEquals(Results.of(clean).csv(), Results.of(dir).csv());
  }

  private static List<String> submit(Path file) throws Exception {
    StudyCommandTest.Ran r = StudyCommandTest.overtrain("study", "submit", file.toString(), "--slurm");
    assertEquals(0, r.code(), r.out() + r.err());
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("stage \\d+: job (\\d+)").matcher(r.out());
    while (m.find()) ids.add(m.group(1));
    return ids;
  }

  private static void checkDeadline(long start, StudyDir dir, String what) throws Exception {
    if (System.nanoTime() - start > DEADLINE_NANOS) {
      StringBuilder logs = new StringBuilder();
      for (Cell c : dir.plan().cells()) logs.append(c.label()).append(":\n").append(log(dir, c));
      fail("waited 3 minutes for " + what + "; squeue:\n" + run("squeue") + "\n" + logs);
    }
  }

  private static String log(StudyDir dir, Cell c) throws Exception {
    return Files.exists(dir.log(c.id())) ? Files.readString(dir.log(c.id())) : "(no log)\n";
  }

  private static String run(String... cmd) throws Exception {
    // squeue says on stderr that a long-finished job id is invalid: that job is gone too.
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
    return out;
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }
}
