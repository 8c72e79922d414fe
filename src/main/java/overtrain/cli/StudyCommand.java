package overtrain.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;
import overtrain.study.Cell;
import overtrain.study.CellRunner;
import overtrain.study.Findings;
import overtrain.study.JavaCommand;
import overtrain.study.LocalPool;
import overtrain.study.PlanEstimate;
import overtrain.study.Results;
import overtrain.study.Slurm;
import overtrain.study.StudyDir;
import overtrain.study.StudyFile;
import overtrain.study.StudyPlan;
import overtrain.study.StudyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code overtrain study}: run a study file's grid of cells, locally or on Slurm. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    description = {
      "Run a study: a grid of cells (pre-train, perturb, fine-tune, evaluate) described by a "
          + "YAML file, each cell's result kept in the study's folder (runs/NAME by default). "
          + "A cell is done once; an interrupted study picks up where it was.",
      "",
      "A study file has data: and measure: (the token files, the tokenizer and tasks, and the "
          + "one held-out slice every forgetting figure is measured on) and the sections pretrain: "
          + "(the pre-training config's keys plus the grid: models, budgets or "
          + "tokens_per_parameter, seeds) or checkpoints: (existing model folders and the tokens "
          + "each was pre-trained on), perturb: (gammas, directions, seed), finetune: (the "
          + "fine-tuning config's keys plus tasks) and multimodal: (image tuning). A selftest: "
          + "section makes cells that only compute, to try the machinery (a cluster's, say) "
          + "without data.",
      "",
      "Presets ship with overtrain and are named instead of a file: demo (minutes on 2 cores), "
          + "cpu (the CPU-scale reproduction), paper (the paper's setup, for a cluster) and "
          + "olmo-1b (OLMo-1B's published revisions, given their folders), e.g. "
          + "'overtrain study plan paper'; 'overtrain study preset NAME' prints one to start from."
    },
    subcommands = {
      StudyCommand.Plan.class,
      StudyCommand.Run.class,
      StudyCommand.RunCell.class,
      StudyCommand.Status.class,
      StudyCommand.ResultsCmd.class,
      StudyCommand.Submit.class,
      StudyCommand.Preset.class,
      StudyCommand.FindingsCmd.class
    })
public final class StudyCommand implements Runnable {
  /** The main class a worker runs: this command line's. */
  private static final String MAIN = Main.class.getName();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static StudyPlan load(Path file) throws IOException {
    return StudyFile.load(file);
  }

  @Command(name = "findings", mixinStandardHelpOptions = true,
      description = {"What the finished cells say: for every model and modification (a "
          + "perturbation magnitude, or a task and fine-tuning rate), the budget at which the "
          + "held-out pre-training loss after it is lowest (the inflection point, interpolated on "
          + "log-budget, with a bootstrap interval over pre-training seeds, or 'none in the "
          + "range' and how the curve ends), and Spearman's rho of the degradation against the "
          + "budget with a permutation p-value (progressive sensitivity).",
          "", "Writes DIR/findings.json (with the study file's SHA-256) and prints a summary."})
  static final class FindingsCmd implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The study file (YAML) or a preset name.") Path file;

    @Override
    public Integer call() throws Exception {
      StudyPlan plan = load(file);
      com.fasterxml.jackson.databind.node.ObjectNode f = writeFindings(new StudyDir(plan));
      Path out = plan.dir().resolve("findings.json");
      f.path("modifications").fields().forEachRemaining(e -> {
        com.fasterxml.jackson.databind.JsonNode after = e.getValue().path("heldout_loss_after");
        com.fasterxml.jackson.databind.JsonNode d = e.getValue().path("degradation");
        String where = after.path("inflection_tokens").isNumber()
            ? String.format(Locale.ROOT, "lowest at %,d tokens%s", after.get("inflection_tokens").asLong(),
                after.has("interval_low_tokens") ? String.format(Locale.ROOT, " (95%%: %,d-%,d)",
                    after.get("interval_low_tokens").asLong(), after.get("interval_high_tokens").asLong()) : "")
            : after.path("inflection").asText();
        String rho = d.path("spearman_rho").isNumber()
            ? String.format(Locale.ROOT, "; degradation vs budget: rho %+.2f, p %.3f", d.get("spearman_rho").asDouble(),
                d.get("p_value").asDouble())
            : d.has("why_none") ? "; degradation vs budget: " + d.get("why_none").asText() : "";
        System.out.println(e.getKey() + ": " + where + rho);
      });
      System.out.println("wrote " + out);
      return 0;
    }
  }

  @Command(name = "preset", mixinStandardHelpOptions = true,
      description = "Print a preset study file (demo, cpu, paper or olmo-1b), to copy and edit.")
  static final class Preset implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "demo, cpu, paper or olmo-1b.") String name;

    @Override
    public Integer call() throws Exception {
      System.out.print(StudyFile.presetText(name));
      return 0;
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = {"Print a study's cells stage by stage (label, kind, tokens, dependencies), "
          + "the totals, and an estimate of the wall time on this machine's local pool, with the "
          + "cell time by kind (pre-training, perturbation, fine-tuning).",
          "", "Example: overtrain study plan demo"})
  static final class Plan implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @CommandLine.Mixin WorkersOption workers;

    @Override
    public Integer call() throws Exception {
      long loading = System.nanoTime();
      StudyPlan plan = load(file);
      // A worker is a fresh JVM that loads the study as this one just did: its start, then that.
      double workerStart = PlanEstimate.WORKER_START_SECONDS + (System.nanoTime() - loading) / 1e9;
      StudyDir dir = new StudyDir(plan);
      PrintStream out = System.out;
      out.println("study " + plan.name() + " in " + plan.dir());
      long tokens = 0;
      Set<String> done = new HashSet<>();
      List<List<Cell>> stages = plan.stages();
      for (int k = 0; k < stages.size(); k++) {
        out.println("stage " + (k + 1) + ": " + stages.get(k).size() + " cells");
        for (Cell c : stages.get(k)) {
          boolean isDone = dir.isDone(c.id());
          if (isDone) done.add(c.id());
          out.printf(Locale.ROOT, "  %s  %-40s %-10s %,14d tokens  %d deps%s%n", c.id(), c.label(), c.kind(),
              c.tokens(), c.dependsOn().size(), isDone ? "  (done)" : "");
          tokens += c.tokens();
        }
      }
      int cores = Runtime.getRuntime().availableProcessors();
      int n = workers.count();
      PlanEstimate e = PlanEstimate.of(plan, n, cores, done, workerStart);
      out.printf(Locale.ROOT, "total: %d cells (%d done), %,d tokens%n", plan.cells().size(), done.size(), tokens);
      out.printf(Locale.ROOT, "estimate for what is left: %s of cell time, %s wall on %d workers"
          + " and %d cores (including %.1f s to start each worker)%n",
          PlanEstimate.duration(e.cellSeconds()), PlanEstimate.duration(e.wallSeconds()), n, cores, workerStart);
      if (e.byKind().size() > 1) {
        List<String> kinds = new ArrayList<>();
        e.byKind().forEach((kind, s) -> kinds.add(kind + " " + PlanEstimate.duration(s)));
        out.println("  cell time by kind: " + String.join(", ", kinds));
      }
      if (!e.unknownKinds().isEmpty()) {
        out.println("  no estimate for cells of kind " + e.unknownKinds() + ": they count as starts only");
      }
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run every cell of a study that is not done, on a pool of worker processes on "
          + "this machine (each 'study run-cell'), as many at a time as the cores allow. Safe to "
          + "stop (Ctrl-C) and to run again, and beside other 'study run's or Slurm tasks on the "
          + "same study: a cell is claimed by one worker at a time. A cell that fails is reported "
          + "with its log; the cells that do not depend on it go on; the exit code is then 1.",
          "", "Example: overtrain study run demo --workers 2"})
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

    @Parameters(paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @CommandLine.Mixin WorkersOption workers;

    @Override
    public Integer call() throws Exception {
      int cores = Runtime.getRuntime().availableProcessors();
      int n = workers.count();
      StudyPlan plan = load(file);
      StudyDir dir = new StudyDir(plan);
      dir.prepare(file);
      Bar bar = new Bar(System.err, System.console() != null);
      List<String> failures = new ArrayList<>();
      LocalPool.Summary summary = runPool(dir, n, cores, new LocalPool.Listener() {
        @Override
        public void progress(LocalPool.Snapshot s) {
          bar.draw(s, false);
        }

        @Override
        public void failed(Cell cell, String reason, Path log) {
          String line = "failed: " + cell.label() + ": " + reason + " (log: " + log + ")";
          failures.add(line);
          bar.message(line);
        }
      }, bar::message);
      bar.end();
      System.out.println(plan.name() + ": " + summary.done() + "/" + summary.total() + " cells done"
          + (summary.failed().isEmpty() ? "" : ", " + summary.failed().size() + " failed")
          + (summary.blocked().isEmpty() ? "" : ", " + summary.blocked().size() + " not run (behind a failed cell)"));
      for (String f : failures) System.out.println("  " + f);
      return summary.complete() ? 0 : 1;
    }
  }

  @Command(name = "run-cell", mixinStandardHelpOptions = true,
      description = {"Run one cell of a study in this process: claim it, run it, write its result. "
          + "What 'study run' and Slurm tasks start; exits 0 when the cell is done, also when it "
          + "already was. Waits while another worker holds the cell or runs a dependency.",
          "", "Example: overtrain study run-cell demo 3f2a9c0d41b7e658"})
  static final class RunCell implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @Parameters(index = "1", paramLabel = "CELL_ID", description = "The cell's id (see 'study plan').") String id;

    @Override
    public Integer call() throws Exception {
      StudyPlan plan = load(file);
      StudyDir dir = new StudyDir(plan);
      plan.cell(id); // an unknown id is refused before anything is written
      dir.prepare(file);
      CellRunner.Outcome o = new CellRunner(dir, System.out).run(id);
      if (o == CellRunner.Outcome.ALREADY_DONE) System.out.println("run-cell: " + id + " is already done");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Show how far a study is: cells done, running (with their worker and its last "
          + "heartbeat), stale (worker gone), failed, ready and waiting, local and Slurm alike; "
          + "with squeue here, the study's Slurm jobs too.",
          "", "Example: overtrain study status demo --verbose"})
  static final class Status implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @Option(names = {"-v", "--verbose"}, description = "A line per cell.") boolean verbose;

    @Override
    public Integer call() throws Exception {
      StudyPlan plan = load(file);
      StudyDir dir = new StudyDir(plan);
      List<StudyStatus.Line> lines = StudyStatus.of(dir);
      Map<StudyStatus.State, Integer> counts = StudyStatus.counts(lines);
      List<String> parts = new ArrayList<>();
      counts.forEach((s, n) -> parts.add(n + " " + s.word()));
      System.out.println(plan.name() + ": " + lines.size() + " cells: " + String.join(", ", parts));
      for (StudyStatus.Line l : lines) {
        boolean show = verbose || l.state() == StudyStatus.State.RUNNING
            || l.state() == StudyStatus.State.STALE || l.state() == StudyStatus.State.FAILED;
        if (!show) continue;
        String extra = l.owner().map(o -> String.format(Locale.ROOT, "  %s, heartbeat %.1f s ago",
            o.describe(), o.age().toMillis() / 1000.0)).orElse("");
        if (l.state() == StudyStatus.State.FAILED) extra = "  log: " + dir.log(l.cell().id());
        System.out.printf(Locale.ROOT, "  %-8s %s  %s%s%n", l.state().word(), l.cell().id(), l.cell().label(), extra);
      }
      List<String> jobs = Slurm.queued(plan);
      if (jobs != null) {
        System.out.println("slurm: " + (jobs.isEmpty() ? "no jobs of this study in the queue" : jobs.size() + " jobs"));
        for (String j : jobs) System.out.println("  " + j);
      }
      return 0;
    }
  }

  @Command(name = "results", mixinStandardHelpOptions = true,
      description = {"Print a study's measurements as one table: a row per measurement, a column "
          + "per grid coordinate, then metric and value. Done cells only.",
          "", "Example: overtrain study results demo --format csv --out demo.csv"})
  static final class ResultsCmd implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

    @Parameters(paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json",
        description = "Table format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the table here instead of stdout.")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (!format.equals("csv") && !format.equals("json")) {
        throw new CommandLine.ParameterException(cmd.commandLine(), "--format: expected csv or json, got " + format);
      }
      StudyPlan plan = load(file);
      Results.Table t = Results.of(new StudyDir(plan));
      String text = format.equals("csv") ? t.csv()
          : Json.pretty(t.json());
      if (out == null) System.out.print(text);
      else AtomicWrite.writeString(out, text);
      return 0;
    }
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Submit a study's cells that are not done to Slurm: one job array per stage "
          + "(DIR/slurm/stage-K.sbatch), a task per cell, each stage after the one before. Run it "
          + "again after a failure or cancellation: it sends only what is not done.",
          "", "Example: overtrain study submit demo --slurm --partition cpu --time 02:00:00"})
  static final class Submit implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

    @Parameters(paramLabel = "FILE", description = "The study file (YAML), or a preset: demo, cpu, paper, olmo-1b.") Path file;

    @Option(names = "--slurm", required = true, description = "Submit with sbatch (the only scheduler so far).")
    boolean slurm;

    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition.") String partition;

    @Option(names = "--time", paramLabel = "T", description = "Time limit per task, e.g. 02:00:00.") String time;

    @Option(names = "--cpus-per-task", paramLabel = "C",
        description = "CPUs per task (default: the most threads a cell of the stage wants).")
    Integer cpus;

    @Option(names = "--dry-run", description = "Write the scripts and print the sbatch commands; submit nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      if (cpus != null && cpus < 1) {
        throw new CommandLine.ParameterException(cmd.commandLine(), "--cpus-per-task must be at least 1, got " + cpus);
      }
      StudyPlan plan = load(file);
      StudyDir dir = new StudyDir(plan);
      dir.prepare(file);
      String abs = dir.studyYaml().toAbsolutePath().toString();
      Slurm.submit(dir, threads -> JavaCommand.of(threads, MAIN, List.of("study", "run-cell", abs)),
          new Slurm.Options(partition, time, cpus, dryRun), System.out);
      return 0;
    }
  }

  /**
   * Runs a study's cells that are not done on a local pool of {@code n} worker processes,
   * ending the workers and releasing their cells if this process is stopped (Ctrl-C).
   */
  static LocalPool.Summary runPool(StudyDir dir, int n, int cores, LocalPool.Listener listener,
      java.util.function.Consumer<String> say) throws IOException, InterruptedException {
    // Workers read the study's own copy, which also serves a preset named instead of a file.
    Path abs = dir.studyYaml().toAbsolutePath();
    LocalPool pool = new LocalPool(dir,
        c -> JavaCommand.of(Integer.toString(c.threads()), MAIN, List.of("study", "run-cell", abs.toString(), c.id())),
        n, cores, listener);
    Thread stop = new Thread(() -> {
      say.accept("stopping: ending the workers and releasing their cells");
      pool.stop();
    });
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      return pool.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
  }

  /** Computes the study's findings from its done cells and writes DIR/findings.json. */
  static com.fasterxml.jackson.databind.node.ObjectNode writeFindings(StudyDir dir) throws IOException {
    String hash = Findings.studyHash(java.nio.file.Files.exists(dir.studyYaml())
        ? java.nio.file.Files.readString(dir.studyYaml()) : "");
    com.fasterxml.jackson.databind.node.ObjectNode f = Findings.of(Results.of(dir), hash);
    Json.write(dir.root().resolve("findings.json"), f);
    return f;
  }

  /** The study's one progress line: cells and tokens done, and the time left at the rate so far. */
  static final class Bar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long firstTokens = -1;
    private LocalPool.Snapshot last;

    Bar(PrintStream out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    synchronized void draw(LocalPool.Snapshot s, boolean force) {
      if (firstTokens < 0) firstTokens = s.tokensDone();
      boolean changed = last == null || last.cellsDone() != s.cellsDone();
      last = s;
      long now = System.nanoTime();
      long every = terminal ? 200_000_000L : 30_000_000_000L;
      if (!force && !(terminal && changed) && now - lastDraw < every) return;
      lastDraw = now;
      double seconds = (now - start) / 1e9;
      long total = Math.max(1, s.tokensTotal());
      int filled = (int) (WIDTH * Math.min(s.tokensDone(), total) / total);
      double rate = seconds > 0 ? (s.tokensDone() - firstTokens) / seconds : 0;
      String eta = rate > 0 ? Progress.clock((s.tokensTotal() - s.tokensDone()) / rate) : "--:--";
      String line = String.format(Locale.ROOT, "study [%s%s] %d/%d cells %s/%s tokens, %d running%s, %s left",
          "#".repeat(filled), ".".repeat(WIDTH - filled), s.cellsDone(), s.cellsTotal(),
          human(s.tokensDone()), human(s.tokensTotal()), s.running(),
          s.elsewhere() > 0 ? " (+" + s.elsewhere() + " elsewhere)" : "", eta);
      out.print(terminal ? "\r" + line + "   " : line + "\n");
      out.flush();
    }

    synchronized void message(String line) {
      out.print(terminal ? "\r" + line + " ".repeat(20) + "\n" : line + "\n");
      out.flush();
    }

    synchronized void end() {
      if (last != null) draw(last, true);
      if (terminal) out.println();
      out.flush();
    }

    private static String human(long n) {
      if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.1fG", n / 1e9);
      if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
      if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
      return Long.toString(n);
    }
  }
}
