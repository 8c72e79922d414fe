package overtrain.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import overtrain.io.AtomicWrite;

/**
 * Runs a study on Slurm: one job array per stage, a task per cell not yet done, each task
 * {@code study run-cell} on its cell. Each stage's array starts after the previous one has
 * ended ({@code afterany}), not only after it succeeded ({@code afterok}): with afterok, one
 * failed or cancelled task would leave the whole next stage pending forever, cells that do not
 * depend on it included. Under afterany every task checks its own cell's dependencies (run-cell
 * refuses, at once and with a message, a cell whose dependency is neither done nor running),
 * so only the cells behind a failure fail, and a resubmission sends exactly the cells neither
 * done nor running.
 */
public final class Slurm {
  /** sbatch settings; null ones are left to the cluster's defaults. */
  public record Options(String partition, String time, Integer cpusPerTask, boolean dryRun) {}

  /** One stage's array: its script, how many tasks, and the job id (null on a dry run). */
  public record Submitted(int stage, Path script, int tasks, String jobId) {}

  private Slurm() {}

  /**
   * Writes {@code DIR/slurm/stage-K.sbatch} for each stage with cells not done, and submits
   * them in order, each depending on the one before.
   *
   * @param command the task's command line for a thread count (a shell word such as
   *     "${SLURM_CPUS_PER_TASK}"), ending in {@code study run-cell FILE}; the cell id is added
   */
  public static List<Submitted> submit(StudyDir dir, Function<String, List<String>> command,
      Options options, PrintStream out) throws IOException, InterruptedException {
    StudyPlan plan = dir.plan();
    Path slurmDir = dir.root().resolve("slurm");
    List<Submitted> submitted = new ArrayList<>();
    String previous = null;
    List<List<Cell>> stages = plan.stages();
    int running = 0;
    for (int k = 1; k <= stages.size(); k++) {
      List<String> ids = new ArrayList<>();
      int threads = 1;
      for (Cell c : stages.get(k - 1)) {
        if (dir.isDone(c.id())) continue;
        // A cell a live worker holds is on its way; the tasks behind it wait for it.
        var owner = dir.owner(c.id());
        if (owner.isPresent() && !Claim.isStale(owner.get(), plan.claimTimeout())) {
          running++;
          continue;
        }
        ids.add(c.id());
        threads = Math.max(threads, c.threads());
      }
      if (ids.isEmpty()) continue;
      int cpus = options.cpusPerTask() != null ? options.cpusPerTask() : threads;
      // The list's name is its content's hash: a resubmission never rewrites the list that
      // queued tasks of an earlier submission will still read.
      String list = String.join("\n", ids) + "\n";
      Path cells = slurmDir.resolve("stage-" + k + "-" + hash(list) + ".cells");
      if (!Files.exists(cells)) AtomicWrite.writeString(cells, list);
      Path script = slurmDir.resolve("stage-" + k + ".sbatch");
      AtomicWrite.writeString(script, script(plan, dir, k, ids.size(), cpus, cells,
          command.apply("${SLURM_CPUS_PER_TASK:-" + cpus + "}"), options));
      List<String> sbatch = new ArrayList<>(List.of("sbatch", "--parsable"));
      if (previous != null) sbatch.add("--dependency=afterany:" + previous);
      sbatch.add(script.toString());
      String jobId = null;
      if (options.dryRun()) {
        out.println("would run: " + String.join(" ", sbatch) + "   (" + ids.size() + " cells)");
      } else {
        jobId = sbatch(sbatch);
        out.println("stage " + k + ": job " + jobId + ", " + ids.size() + " cells (" + script + ")");
        previous = jobId;
      }
      submitted.add(new Submitted(k, script, ids.size(), jobId));
    }
    if (running > 0) out.println(running + " cells are running now (claimed by a live worker): not sent again");
    if (submitted.isEmpty()) out.println(plan.name() + ": every cell is done or running; nothing to submit");
    return submitted;
  }

  static String script(StudyPlan plan, StudyDir dir, int stage, int tasks, int cpus, Path cells,
      List<String> command, Options options) {
    StringBuilder b = new StringBuilder();
    b.append("#!/bin/bash\n");
    b.append("#SBATCH --job-name=").append(jobName(plan, stage)).append('\n');
    b.append("#SBATCH --array=0-").append(tasks - 1).append('\n');
    b.append("#SBATCH --cpus-per-task=").append(cpus).append('\n');
    if (options.partition() != null) b.append("#SBATCH --partition=").append(options.partition()).append('\n');
    if (options.time() != null) b.append("#SBATCH --time=").append(options.time()).append('\n');
    b.append("#SBATCH --chdir=").append(Path.of("").toAbsolutePath()).append('\n');
    b.append("#SBATCH --output=").append(dir.root().resolve("slurm").resolve("stage-" + stage + "-%A_%a.out")).append('\n');
    b.append("# Stage ").append(stage).append(" of study ").append(plan.name())
        .append(": task i runs the cell on line i+1 of the list; its output goes to the cell's log.txt.\n");
    b.append("set -eu\n");
    b.append("cell=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" ").append(quote(cells.toString())).append(")\n");
    String cellsDir = dir.root().resolve("cells").toString();
    b.append("mkdir -p ").append(quote(cellsDir)).append("/\"$cell\"\n");
    b.append("exec >>").append(quote(cellsDir)).append("/\"$cell\"/log.txt 2>&1\n");
    b.append("echo \"slurm task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname)\"\n");
    b.append("exec");
    for (String a : command) {
      b.append(' ').append(a.startsWith("${SLURM_CPUS_PER_TASK") || a.contains("=${SLURM_CPUS_PER_TASK")
          ? "\"" + a + "\"" : quote(a));
    }
    b.append(" \"$cell\"\n");
    return b.toString();
  }

  /** The job name of a study's stage, which {@code study status} looks for in squeue. */
  public static String jobName(StudyPlan plan, int stage) {
    return jobPrefix(plan) + stage;
  }

  public static String jobPrefix(StudyPlan plan) {
    return "overtrain-" + plan.name() + "-stage-";
  }

  /** The study's jobs as squeue lists them, or null when there is no squeue here. */
  public static List<String> queued(StudyPlan plan) {
    try {
      Process p = new ProcessBuilder("squeue", "-h", "-o", "%i %j %T %M %R")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
      List<String> mine = new ArrayList<>();
      for (String line : text.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 1 && f[1].startsWith(jobPrefix(plan))) mine.add(line.trim());
      }
      return mine;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  private static String sbatch(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + text);
    }
    String last = text.lines().reduce((a, b) -> b).orElse("");
    String id = last.split(";")[0].trim();
    if (!id.matches("\\d+")) throw new IOException("sbatch printed no job id: " + text);
    return id;
  }

  /** The word in single quotes, for bash. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
