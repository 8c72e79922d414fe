package overtrain.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import overtrain.report.StudyReport;
import overtrain.report.TheoryReport;
import overtrain.study.Cell;
import overtrain.study.JavaCommand;
import overtrain.study.LocalPool;
import overtrain.study.PlanEstimate;
import overtrain.study.Preparation;
import overtrain.study.StudyDir;
import overtrain.study.StudyFile;
import overtrain.study.StudyPlan;
import overtrain.theory.TheoryConfig;
import overtrain.theory.TheoryExperiment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code overtrain reproduce}: a study from nothing to its report in one command. Makes the
 * data its {@code prepare:} names where missing, runs the cells that are not done on the local
 * pool, then writes the findings and the report and says what they show. Every step keeps what
 * exists, so a stopped run picks up where it was.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = {"Run a study from nothing to its report, and say what it found.",
        "", "Fetches and tokenizes the data its prepare: section names and builds its tasks (each only "
        + "where missing), runs every cell that is not done on this machine, then writes findings.json, "
        + "report.html and report.csv into the study's folder (with the linear-network theory's "
        + "inflection points in theory/) and prints a five-line summary of what was found. Safe to "
        + "stop (Ctrl-C) and to run again: it picks up where it was.",
        "", "The cpu preset is the paper's controlled experiment at CPU scale (about an hour on 2 "
            + "cores); 'overtrain demo' is the demo preset.",
        "", "Example: overtrain reproduce --preset cpu"})
public final class ReproduceCommand implements Callable<Integer> {
  @Option(names = "--preset", paramLabel = "NAME", description = "A preset study: demo, cpu, paper or olmo-1b.")
  String preset;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "A study file (YAML), instead of a preset.")
  Path file;

  @CommandLine.Mixin WorkersOption workers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((preset == null) == (file == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give a study: --preset NAME or a FILE, not both");
    }
    if (preset != null && !StudyFile.PRESETS.contains(preset)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--preset: no preset '" + preset + "'; presets: " + StudyFile.PRESETS);
    }
    return reproduce(preset != null ? Path.of(preset) : file, workers.count());
  }

  /** The whole pipeline for {@code study}; what {@code overtrain demo} runs too. */
  static int reproduce(Path study, int n) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    long t0 = System.nanoTime();
    StudyPlan plan = StudyFile.load(study);
    Preparation prep = Preparation.of(plan);
    List<Step> steps = prep == null ? List.of() : steps(prep);
    if (prep == null) requireData(plan);
    StudyDir dir = new StudyDir(plan);
    dir.prepare(study);

    Set<String> done = new HashSet<>();
    for (Cell c : plan.cells()) if (dir.isDone(c.id())) done.add(c.id());
    double studySeconds = PlanEstimate.of(plan, n, cores, done).wallSeconds();
    Overall bar = new Overall(System.err, System.console() != null, plan.name());
    for (Step s : steps) bar.add(s.what(), s.seconds());
    bar.add("study", studySeconds);
    bar.add("findings and report", 5);

    Path log = plan.dir().resolve("prepare.log");
    for (Step s : steps) {
      bar.begin(s.what());
      List<String> cmd = JavaCommand.of(null, Main.class.getName(), s.args());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      while (!p.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) bar.tick();
      if (p.exitValue() != 0) {
        bar.message(s.what() + " failed (exit " + p.exitValue() + "); its output is in " + log);
        return 1;
      }
    }

    bar.begin("study");
    StudyShare share = new StudyShare(dir);
    List<String> failures = new ArrayList<>();
    LocalPool.Summary summary = StudyCommand.runPool(dir, n, cores, new LocalPool.Listener() {
      @Override
      public void progress(LocalPool.Snapshot s) {
        bar.study(s, share.fraction());
      }

      @Override
      public void failed(Cell cell, String reason, Path cellLog) {
        String line = "failed: " + cell.label() + ": " + reason + " (log: " + cellLog + ")";
        failures.add(line);
        bar.message(line);
      }
    }, bar::message);

    bar.begin("findings and report");
    StudyCommand.writeFindings(dir);
    // The theory's inflection points go beside the study's; the simulation takes seconds.
    Path theory = plan.dir().resolve(StudyReport.THEORY_DIR);
    if (!Files.exists(theory.resolve("theory.json"))) {
      new TheoryReport(TheoryExperiment.run(TheoryConfig.defaults(), (k, total) -> {})).write(theory);
    }
    StudyReport report = StudyReport.of(dir);
    List<Path> written = report.write(plan.dir());
    bar.end();

    PrintStream out = System.out;
    out.printf(Locale.ROOT, "%s: %d/%d cells done in %s on %d cores; report: %s%n", plan.name(),
        summary.done(), summary.total(), PlanEstimate.duration((System.nanoTime() - t0) / 1e9), cores,
        written.get(0));
    for (String line : report.summary()) out.println("  " + line);
    for (String f : failures) out.println("  " + f);
    return summary.complete() ? 0 : 1;
  }

  /**
   * How much of a study's work is done, each cell weighing its estimated seconds: tokens alone
   * would misweigh cells whose tokens cost differently (a fine-tuning cell's against a
   * pre-training cell's).
   */
  static final class StudyShare {
    private final StudyDir dir;
    private final java.util.Map<String, Double> weight = new java.util.HashMap<>();
    private final Set<String> done = new HashSet<>();
    private double total;

    StudyShare(StudyDir dir) {
      this.dir = dir;
      for (Cell c : dir.plan().cells()) {
        var e = dir.plan().estimators().get(c.kind());
        double s = e == null ? Double.NaN : e.seconds(c);
        double w = PlanEstimate.WORKER_START_SECONDS + (Double.isFinite(s) ? s : 0);
        weight.put(c.id(), w);
        total += w;
      }
    }

    double fraction() {
      double sum = 0;
      for (Cell c : dir.plan().cells()) {
        double w = weight.get(c.id());
        if (done.contains(c.id()) || dir.isDone(c.id())) {
          done.add(c.id());
          sum += w;
        } else if (c.tokens() > 0) {
          sum += w * Math.min(1.0, (double) dir.progress(c.id()) / c.tokens());
        }
      }
      return total > 0 ? sum / total : 0;
    }
  }

  /** One preparation step: a label, an overtrain command line, and a guess of its seconds. */
  record Step(String what, List<String> args, double seconds) {}

  private static List<Step> steps(Preparation p) throws IOException {
    List<Step> steps = new ArrayList<>();
    for (Preparation.Step s : p.missing()) {
      switch (s) {
        case CORPUS -> {
          List<String> args = new ArrayList<>(List.of("data", "fetch", "--out", p.corpus().toString()));
          if (p.withDocs()) args.add("--with-docs");
          steps.add(new Step("fetching the corpus", args, p.withDocs() ? 60 : 15));
        }
        case TOKENIZER -> steps.add(new Step("training the tokenizer", List.of("tokenizer", "train",
            "--corpus", p.corpus().resolve("train.jsonl").toString(), "--vocab-size", "" + p.vocabSize(),
            "--out", p.tokenizer().toString()), p.withDocs() ? 20 : 10));
        case TOKENS -> steps.add(new Step("tokenizing", List.of("tokenize", "--corpus", p.corpus().toString(),
            "--tokenizer", p.tokenizer().toString(), "--out", p.tokens().toString()), p.withDocs() ? 20 : 8));
        case TASKS -> {
          List<String> args = new ArrayList<>(List.of("tasks", "build", "--out", p.tasksDir().toString()));
          args.addAll(p.missingTasks());
          steps.add(new Step("building tasks", args, 8));
        }
        case IMAGES -> {
          for (Path t : p.missingImageTasks()) {
            steps.add(new Step("building the image task", List.of("multimodal", "build", "--out", t.toString()), 20));
          }
        }
      }
    }
    return steps;
  }

  /** A study with no prepare: must find its data where its file says. */
  private static void requireData(StudyPlan plan) {
    var data = plan.settings().path("data");
    for (String key : List.of("train", "heldout", "tokenizer")) {
      String path = data.path(key).asText(null);
      if (path != null && !Files.exists(Path.of(path))) {
        throw new IllegalArgumentException("study " + plan.name() + ": data." + key + " " + path
            + " does not exist, and the study has no prepare: section to make it");
      }
    }
  }
}
