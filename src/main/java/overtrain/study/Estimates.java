package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import overtrain.finetune.SweepConfig;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.model.ModelConfig;
import overtrain.tasks.Example;
import overtrain.tasks.Task;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tokenizer.Tokenizer;
import overtrain.train.TrainConfig;

/**
 * How long the grid's cells take, from the engine's speed measured on this machine: for each
 * model shape, {@code overtrain bench train} runs a few real training steps and scoring passes
 * in a JVM of the cell's thread count, once per plan, and a cold JVM runs its first steps as a
 * cell's worker would; a cell's seconds are that startup and ramp, then its tokens at the
 * compiled speeds.
 */
final class Estimates {
  private Estimates() {}

  /**
   * Tokens per second of training and of forward-only scoring once compiled, and the seconds a
   * fresh JVM spends before that (starting, and the JIT's warm-up steps, which run far slower).
   */
  record Speed(double train, double score, double startup) {}

  private static final Map<String, Speed> MEASURED = new ConcurrentHashMap<>();

  /**
   * A pre-training run (or a branch's decay, or a trunk): its tokens at the compiled speed,
   * plus what a short real run of the same config costs beyond its tokens (the JVM, the JIT's
   * ramp, checkpoints, the held-out scoring), measured once per shape where the data are there.
   */
  static double pretrain(Cell cell) {
    TrainConfig c = Configs.bind(TrainConfig.class, cell.spec().get("config"), Map.of());
    Speed s = speed(c.model(), c.data().batch(), cell.threads());
    double overhead = RUN_OVERHEAD.computeIfAbsent(key(c.model(), c.data().batch(), cell.threads()),
        k -> runOverhead(c, s, cell.threads()));
    if (Double.isNaN(overhead)) overhead = s.startup() + c.eval().tokens() / s.score();
    return overhead + cell.tokens() / s.train();
  }

  private static final Map<String, Double> RUN_OVERHEAD = new ConcurrentHashMap<>();

  /**
   * Steps of the cold and the real probe runs: about as many as the JIT takes to settle on small
   * shapes, but no more than fill {@link #PROBE_SECONDS} at the compiled speed. A large shape's
   * step is long enough for the JIT to compile its loops inside the first few steps, and sixty of
   * them would make {@code study plan} take many minutes per model.
   */
  private static final int MAX_PROBE_STEPS = 60, MIN_PROBE_STEPS = 3;
  private static final double PROBE_SECONDS = 15;

  static int probeSteps(double tokensPerSecond, long tokensPerStep) {
    if (!(tokensPerSecond > 0)) return MIN_PROBE_STEPS;
    double fit = PROBE_SECONDS * tokensPerSecond / tokensPerStep;
    return (int) Math.max(MIN_PROBE_STEPS, Math.min(MAX_PROBE_STEPS, Math.floor(fit)));
  }

  /**
   * Seconds a real {@code pretrain} of {@code c}'s shape spends beyond its tokens at the
   * compiled speed, from a short run ({@link #probeSteps}) with as many checkpoints as a cell
   * makes; NaN when its token files are not there yet.
   */
  private static double runOverhead(TrainConfig c, Speed s, int threads) {
    if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(c.data().train()))) return Double.NaN;
    java.nio.file.Path dir = null;
    try {
      dir = java.nio.file.Files.createTempDirectory("overtrain-probe");
      int steps = probeSteps(s.train(), c.tokensPerStep());
      long tokens = (long) steps * c.tokensPerStep();
      com.fasterxml.jackson.databind.node.ObjectNode tree = Configs.tree(c);
      Configs.put(tree, "tokens", tokens);
      Configs.put(tree, "checkpoint.every", Math.max(1, steps / 4));
      Configs.put(tree, "checkpoint.at", List.of());
      java.nio.file.Path yaml = dir.resolve("probe.yaml");
      java.nio.file.Files.writeString(yaml, Configs.YAML.writeValueAsString(tree));
      double wall = concurrentRuns(yaml, dir, threads);
      return Math.max(0, wall - tokens / s.train());
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    } finally {
      if (dir != null) deleteTree(dir);
    }
  }

  private static double concurrentRuns(java.nio.file.Path yaml, java.nio.file.Path dir, int threads)
      throws IOException, InterruptedException {
    int side = Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
    List<Process> ps = new java.util.ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < side; i++) {
      ps.add(new ProcessBuilder(JavaCommand.of("" + threads, "overtrain.cli.Main", List.of("pretrain",
          "--config", yaml.toString(), "--out", dir.resolve("run" + i).toString())))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }
    double wall = 0;
    for (Process p : ps) {
      if (p.waitFor() != 0) throw new IOException("the probe run exited " + p.exitValue());
      wall += (System.nanoTime() - started) / 1e9 / side;
    }
    return wall;
  }

  private static void deleteTree(java.nio.file.Path root) {
    try (var walk = java.nio.file.Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  private static String key(ModelConfig m, int batch, int threads) {
    return m.numLayers() + "x" + m.hiddenSize() + "x" + m.intermediateSize() + "x" + m.vocabSize()
        + "/" + m.numHeads() + "/" + m.maxContext() + "/" + batch + "/" + threads;
  }

  /** A cell that only scores (perturbation): its tokens at scoring speed. */
  static double scoring(Cell cell, ModelConfig model, int batch) {
    Speed s = speed(model, batch, cell.threads());
    return s.startup() + cell.tokens() / s.score();
  }

  static double scoring(Cell cell) {
    Shape s = shapeOf(cell);
    return scoring(cell, s.model(), s.batch());
  }

  /** Fine-tuning: its training tokens (an estimate) at training speed, and the scoring. */
  static double finetune(Cell cell) {
    Shape s = shapeOf(cell);
    Speed speed = speed(s.model(), s.batch(), cell.threads());
    // the sweep's settings as the cell binds them (FinetuneSection.run), defaults and all
    SweepConfig sweep = Configs.bind(SweepConfig.class, cell.spec().get("sweep"), Map.of());
    int rates = sweep.lr().size();
    double scoring = (rates + 1) * sweep.eval().heldoutTokens() / speed.score();
    TaskSize t = taskSize(cell);
    if (t == null) return speed.startup() + cell.tokens() / speed.train() + scoring;
    int context = s.model().maxContext(), batch = sweep.batch();
    long maxEval = sweep.eval().maxExamples();
    double sequences = Math.ceil(limit(t.train(), sweep.maxTrainExamples()) * t.trainWindows());
    double trained = (double) rates * sweep.epochs() * Math.ceil(sequences / batch) * batch * context;
    // validation before and after each rate; test too, with eval.test_every_rate (the study's case)
    double scored = (rates + 1) * (limit(t.validation(), maxEval) + limit(t.test(), maxEval)) * t.evalWindows() * context;
    return speed.startup() + trained / speed.train() + scored / speed.score() + scoring;
  }

  private static long limit(long examples, long max) {
    return max > 0 ? Math.min(examples, max) : examples;
  }

  /**
   * A fine-tuning task's splits as a sweep trains and scores them: examples per split, and the
   * sequences an example becomes, for training (its right answer) and for scoring (every
   * candidate). An lm example longer than the context trains as several rolling windows, so a
   * task of long documents costs several times its example count.
   */
  record TaskSize(long train, long validation, long test, double trainWindows, double evalWindows) {}

  /** Examples of each split whose sequences are counted, spread over it. */
  private static final int SAMPLE = 256;
  private static final Map<String, TaskSize> TASK_SIZES = new ConcurrentHashMap<>();

  /** The cell's task measured with its tokenizer and context; null when they are not there yet. */
  private static TaskSize taskSize(Cell cell) {
    JsonNode spec = cell.spec();
    int context = shapeOf(cell).model().maxContext();
    String key = spec.path("task").asText() + "|" + spec.path("tasks_dir").asText() + "|"
        + spec.path("tokenizer").asText() + "|" + context;
    // a task not there yet is not remembered: reproduce builds it after a first estimate
    return TASK_SIZES.computeIfAbsent(key, k -> {
      try {
        Task task = Task.resolve(spec.path("task").asText(), Path.of(spec.path("tasks_dir").asText()));
        CandidateEncoder encoder = new CandidateEncoder(Tokenizer.loadOrNamed(spec.path("tokenizer").asText()), context);
        List<Example> train = task.examples("train"), validation = task.examples("validation");
        List<Example> test = task.examples("test");
        return new TaskSize(train.size(), validation.size(), test.size(),
            meanSequences(train, encoder, false), meanSequences(validation, encoder, true));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    });
  }

  /** Mean sequences per example over up to {@link #SAMPLE} examples spread evenly. */
  static double meanSequences(List<Example> examples, CandidateEncoder encoder, boolean everyCandidate) {
    int n = Math.min(SAMPLE, examples.size());
    if (n == 0) return 1;
    long sequences = 0;
    for (int i = 0; i < n; i++) {
      Example e = examples.get((int) ((long) i * examples.size() / n));
      if (!everyCandidate) sequences += encoder.encode(e.target()).size();
      else for (var c : e.candidates()) sequences += encoder.encode(c).size();
    }
    return (double) sequences / n;
  }

  /** Multimodal tuning: both stages' tokens (an estimate) at training speed, and three measurements. */
  static double multimodal(Cell cell) {
    Shape s = shapeOf(cell);
    Speed speed = speed(s.model(), s.batch(), cell.threads());
    long heldout = cell.spec().path("config").path("eval").path("heldout_tokens").asLong();
    return speed.startup() + cell.tokens() / speed.train() + 3 * heldout / speed.score();
  }

  private record Shape(ModelConfig model, int batch) {}

  /** The model of the pretrain cell a cell builds on, which the plan keeps in the cell's spec. */
  private static Shape shapeOf(Cell cell) {
    JsonNode model = cell.spec().get("model");
    return new Shape(Configs.bind(ModelConfig.class, model, Map.of()), cell.spec().path("batch").asInt(16));
  }

  /** Measured once per shape, batch and thread count. */
  static Speed speed(ModelConfig m, int batch, int threads) {
    String key = key(m, batch, threads);
    int cores = Runtime.getRuntime().availableProcessors();
    return MEASURED.computeIfAbsent(key, k -> measure(m, batch, Math.min(threads, cores)));
  }

  /**
   * Runs {@code bench train}; NaN speeds when the shape cannot be run here (too large for this
   * machine's memory, say), which leaves the cells without an estimate. Large batches are
   * timed at a few thousand tokens a step: a step's tokens/s hardly depends on the batch.
   */
  private static Speed measure(ModelConfig m, int fullBatch, int threads) {
    int batch = Math.max(1, Math.min(fullBatch, 8192 / m.maxContext()));
    List<String> shape = List.of("bench", "train", "--layers", "" + m.numLayers(), "--heads", "" + m.numHeads(),
        "--d-model", "" + m.hiddenSize(), "--ff-size", "" + m.intermediateSize(), "--vocab", "" + m.vocabSize(),
        "--context", "" + m.maxContext(), "--batch", "" + batch, "--json");
    System.err.printf("measuring the speed of %d layers x %d wide, vocabulary %d, context %d, on %d thread%s%n",
        m.numLayers(), m.hiddenSize(), m.vocabSize(), m.maxContext(), threads, threads == 1 ? "" : "s");
    try {
      // compiled speed: timed steps after the warm-up
      Timed steady = bench(shape, threads, "--steps", "4", "--warmup-steps", "2");
      double train = steady.json().get("tokens_per_s").asDouble();
      double score = steady.json().get("score_tokens_per_s").asDouble();
      // a cold JVM's first steps, as a cell's: the JIT keeps compiling for tens of steps, and
      // what those cost beyond the compiled speed is the cell's startup
      int coldSteps = probeSteps(train, (long) batch * m.maxContext());
      Timed cold = bench(shape, threads, "--steps", "" + coldSteps, "--warmup-steps", "0", "--no-score");
      double startup = Math.max(0, cold.wall() - coldSteps * (double) batch * m.maxContext() / train);
      return new Speed(train, score, startup);
    } catch (IOException e) {
      System.err.printf("no training estimate for %d layers x %d wide at batch %d on %d threads: %s%n",
          m.numLayers(), m.hiddenSize(), batch, threads, e.getMessage());
      return scoringOnly(shape, threads, (long) batch * m.maxContext());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Speed(Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /**
   * A shape too large to train here (a published checkpoint's, say) may still be scored: one
   * cold scoring pass, its weights held as a scoring cell holds them, gives the scoring cells an
   * estimate; the training ones keep none. A pass of such a model is long enough for the JIT to
   * settle inside it.
   */
  private static Speed scoringOnly(List<String> shape, int threads, long tokensPerPass) {
    try {
      Timed cold = bench(shape, threads, "--score-only", "--steps", "1", "--warmup-steps", "0");
      double score = cold.json().get("score_tokens_per_s").asDouble();
      return new Speed(Double.NaN, score, Math.max(0, cold.wall() - tokensPerPass / score));
    } catch (IOException e) {
      System.err.println("no scoring estimate either: " + e.getMessage());
      return new Speed(Double.NaN, Double.NaN, Double.NaN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Speed(Double.NaN, Double.NaN, Double.NaN);
    }
  }

  private record Timed(JsonNode json, double wall) {}

  /**
   * Runs {@code overtrain ARGS} in as many processes at once as the local pool runs cells of
   * {@code threads} threads side by side: cores shared with another worker (or its other
   * hardware thread) run slower than alone, and the estimate must see that. Returns the first
   * process's output and the processes' mean wall time.
   */
  private static Timed concurrently(List<String> args, int threads) throws IOException, InterruptedException {
    int side = Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
    List<Process> ps = new java.util.ArrayList<>();
    List<Long> starts = new java.util.ArrayList<>();
    // stderr goes to a file, so that a refusal (a shape too large for the heap) can be quoted
    java.nio.file.Path err = java.nio.file.Files.createTempFile("overtrain-probe", ".err");
    try {
      for (int i = 0; i < side; i++) {
        starts.add(System.nanoTime());
        ps.add(new ProcessBuilder(JavaCommand.of("" + threads, "overtrain.cli.Main", args))
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start());
      }
      byte[] first = null;
      double wall = 0;
      for (int i = 0; i < side; i++) {
        byte[] out = ps.get(i).getInputStream().readAllBytes();
        if (ps.get(i).waitFor() != 0) {
          String why = java.nio.file.Files.readAllLines(err).stream()
              .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules"))
              .reduce((a, b) -> b).orElse("exit " + ps.get(i).exitValue());
          throw new IOException(why);
        }
        wall += (System.nanoTime() - starts.get(i)) / 1e9 / side;
        if (first == null) first = out;
      }
      return new Timed(first.length == 0 ? null : Json.MAPPER.readTree(first), wall);
    } finally {
      java.nio.file.Files.deleteIfExists(err);
    }
  }

  private static Timed bench(List<String> shape, int threads, String... more)
      throws IOException, InterruptedException {
    List<String> args = new java.util.ArrayList<>(shape);
    args.addAll(List.of(more));
    return concurrently(args, threads);
  }

  /** 4000000 as "4M", 250000 as "250k". */
  static String tokens(long n) {
    if (n >= 1_000_000_000 && n % 100_000_000 == 0) return trim(n / 1e9) + "B";
    if (n >= 1_000_000 && n % 100_000 == 0) return trim(n / 1e6) + "M";
    if (n >= 1_000 && n % 100 == 0) return trim(n / 1e3) + "k";
    return Long.toString(n);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
