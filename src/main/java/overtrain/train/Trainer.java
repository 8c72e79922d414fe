package overtrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TokenLoss;
import overtrain.io.AtomicWrite;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;
import overtrain.optim.Schedule;

/**
 * The pre-training loop, kept apart from the model: sample a batch, forward and backward,
 * clip, step AdamW at the schedule's rate, log, evaluate and checkpoint.
 *
 * <p>A run directory holds {@code config.yaml} (the config as used), {@code metrics.jsonl}
 * (one object per step) and {@code checkpoints/step-NNNNNNNN/}. Every checkpoint can resume
 * the run; a run started on a directory that has one continues from the latest, and its
 * remaining steps are bit for bit those of an uninterrupted run (on the same thread count).
 * Killing a run loses only the steps since its last checkpoint.
 */
public final class Trainer {
  public static final String METRICS = "metrics.jsonl";
  public static final String CONFIG = "config.yaml";
  public static final String SUMMARY = "summary.json";
  public static final String CHECKPOINTS = "checkpoints";

  /** What one step did; {@code heldoutLoss} is null where no evaluation ran. */
  public record StepRecord(long step, long tokens, double loss, double lr, double gradNorm,
      double tokensPerSecond, Double heldoutLoss, double epochs) {}

  /** Where a run ended. */
  public record Result(long steps, long tokens, Path checkpoint, Double heldoutLoss, double epochs) {}

  /** Told about each step (the command line draws a progress bar with it). */
  @FunctionalInterface
  public interface Listener {
    void onStep(StepRecord record, long totalSteps);
  }

  private final TrainConfig config;
  private final Path out;
  private final boolean requireResume;
  private final Listener listener;

  /**
   * @param out the run directory
   * @param requireResume fail unless the run directory has a checkpoint to resume from
   *     (without it, a run resumes when it finds one and starts afresh when not)
   */
  public Trainer(TrainConfig config, Path out, boolean requireResume, Listener listener) {
    this.config = config;
    this.out = out;
    this.requireResume = requireResume;
    this.listener = listener;
  }

  /** Trains to the token budget. */
  public Result run() throws IOException {
    return run(Long.MAX_VALUE);
  }

  /**
   * Trains until step {@code stopAfter} (or the end of the budget, whichever is first) and
   * checkpoints there; the schedule stays that of the whole budget, so a later
   * {@link #run()} continues the same run.
   */
  public Result run(long stopAfter) throws IOException {
    long runStart = System.nanoTime();
    ModelConfig modelConfig = config.model();
    int b = config.data().batch(), t = modelConfig.maxContext();
    TokenFile train = TokenFile.open(Path.of(config.data().train()), modelConfig.vocabSize());
    TokenFile heldout = config.data().heldout() == null ? null
        : TokenFile.open(Path.of(config.data().heldout()), modelConfig.vocabSize());
    // Every input checked before the first step: a run must not train for an hour and then
    // find that its held-out file cannot be scored.
    OlmoModel.checkFits(modelConfig, b, t, "pretrain");
    requireWindow(train, t, "data.train");
    if (heldout != null) requireWindow(heldout, t, "data.heldout");
    WindowSampler sampler = WindowSampler.of(config.data().order(), train, t, config.seed());

    removeUnfinishedCheckpoints();
    Optional<Path> resumeFrom = latestCheckpoint(out);
    if (requireResume && resumeFrom.isEmpty()) {
      throw new IOException(out + ": nothing to resume, no checkpoint under " + out.resolve(CHECKPOINTS));
    }
    Parameters params;
    AdamW optimizer;
    long step = 0;
    long tokensSeen = 0;
    if (resumeFrom.isPresent()) {
      Path dir = resumeFrom.get();
      JsonNode state = Checkpoint.loadTrainerState(dir);
      checkSameRun(dir, state.path("config"));
      Checkpoint.Loaded loaded = Checkpoint.load(dir);
      if (!loaded.config().equals(modelConfig)) {
        throw new IOException(dir + ": model " + loaded.config() + " differs from the config's " + modelConfig);
      }
      params = loaded.params();
      Checkpoint.Moments moments = Checkpoint.loadMoments(dir, params);
      optimizer = new AdamW(params.specs(), config.optim().weightDecay(), moments.firstMoment(),
          moments.secondMoment(), moments.step());
      step = state.path("step").asLong();
      tokensSeen = state.path("tokens").asLong();
      sampler.restore(state.path("sampler_state").asLong());
      if (moments.step() != step) {
        throw new IOException(dir + ": optimizer is at step " + moments.step() + ", trainer state at " + step);
      }
    } else {
      params = OlmoModel.initialize(modelConfig, config.seed());
      optimizer = new AdamW(params.specs(), config.optim().weightDecay());
    }
    AtomicWrite.writeString(out.resolve(CONFIG), config.toYaml());
    keepMetricsUpTo(step);

    OlmoModel model = new OlmoModel(modelConfig, params);
    Schedule schedule = config.schedule().build(config.lr(), config.totalSteps());
    Step trainStep = new Step(model, params, optimizer, schedule, config.optim().clip(), null, step);
    TreeSet<Long> checkpointSteps = checkpointSteps();
    long last = Math.min(config.totalSteps(), stopAfter);
    int[] tokens = new int[b * t];
    int[] targets = new int[b * t];
    Path lastCheckpoint = resumeFrom.orElse(null);
    Double heldoutLoss = null;

    try (BufferedWriter metrics = Files.newBufferedWriter(out.resolve(METRICS), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (step < last) {
        long started = System.nanoTime();
        sampler.nextBatch(tokens, targets, b);
        Step.Result done;
        try {
          done = trainStep.run(tokens, targets, b, t);
        } catch (Step.NonFiniteException e) {
          throw new Step.NonFiniteException(e.getMessage() + "; last good checkpoint: "
              + (lastCheckpoint == null ? "none (the run started at step 0)" : lastCheckpoint));
        }
        step = done.step();
        tokensSeen += config.tokensPerStep();
        double tokensPerSecond = config.tokensPerStep() / ((System.nanoTime() - started) / 1e9);

        boolean end = step == config.totalSteps();
        // The checkpoint first: a failure in the evaluation after it must not cost the training.
        if (end || step == last || checkpointSteps.contains(step)) {
          lastCheckpoint = checkpointDir(out, step);
          ObjectNode state = Json.object();
          state.put("step", step);
          state.put("tokens", tokensSeen);
          state.put("sampler_state", sampler.state());
          state.set("config", Configs.tree(config));
          Checkpoint.save(lastCheckpoint, modelConfig, params,
              new Checkpoint.Moments(optimizer.firstMoment(), optimizer.secondMoment(), optimizer.step()),
              state);
        }
        Double evaluated = null;
        if (heldout != null && (end || (config.eval().every() > 0 && step % config.eval().every() == 0))) {
          evaluated = TokenLoss.evaluate(model, heldout, t, b, config.eval().tokens()).loss();
          heldoutLoss = evaluated;
        }
        StepRecord record = new StepRecord(step, tokensSeen, done.loss(), done.lr(), done.gradNorm(),
            tokensPerSecond, evaluated, sampler.epochs());
        metrics.write(toJson(record));
        metrics.newLine();
        metrics.flush();
        listener.onStep(record, config.totalSteps());
      }
    }
    Result result = new Result(step, tokensSeen, lastCheckpoint, heldoutLoss, sampler.epochs());
    if (step == config.totalSteps()) writeSummary(result, (System.nanoTime() - runStart) / 1e9, resumeFrom.isPresent());
    return result;
  }

  /**
   * {@code summary.json}: where the finished run ended (final checkpoint, steps, tokens, epochs
   * of the training file, held-out loss) and how long this invocation of it took.
   */
  private void writeSummary(Result r, double seconds, boolean resumed) throws IOException {
    ObjectNode o = Json.object();
    o.put("steps", r.steps());
    o.put("tokens", r.tokens());
    o.put("epochs", r.epochs());
    o.put("checkpoint", out.toAbsolutePath().relativize(r.checkpoint().toAbsolutePath()).toString());
    if (r.heldoutLoss() != null) o.put("heldout_loss", r.heldoutLoss());
    o.put("heldout_tokens", config.eval().tokens());
    o.put("wall_seconds", Math.round(seconds * 10) / 10.0);
    o.put("resumed", resumed);
    Json.write(out.resolve(SUMMARY), o);
  }

  /**
   * Starts the run {@code config} in {@code out} from step {@code trunkCheckpoint} of another
   * run (a warmup-stable-decay trunk trained at constant rate): the checkpoint is written into
   * {@code out} as this run's own, so that {@link #run()} continues it. That is exact, not an
   * approximation, only where the trunk took the very steps this run would have taken: the
   * same model, data, order, seed and optimizer, and the same rate at every step so far, which
   * is checked step by step. Does nothing when {@code out} already has a checkpoint.
   */
  public static void branchFrom(Path trunkCheckpoint, TrainConfig config, Path out) throws IOException {
    if (latestCheckpoint(out).isPresent()) return;
    JsonNode state = Checkpoint.loadTrainerState(trunkCheckpoint);
    TrainConfig trunk = Configs.bind(TrainConfig.class, state.path("config"), java.util.Map.of());
    long step = state.path("step").asLong();
    List<String> differ = new ArrayList<>();
    if (!trunk.model().equals(config.model())) differ.add("model");
    if (!trunk.data().equals(config.data())) differ.add("data");
    if (!trunk.optim().equals(config.optim())) differ.add("optim");
    if (trunk.seed() != config.seed()) differ.add("seed");
    Schedule mine = config.schedule().build(config.lr(), config.totalSteps());
    Schedule theirs = trunk.schedule().build(trunk.lr(), trunk.totalSteps());
    for (long s = 0; s < step && differ.isEmpty(); s++) {
      if (mine.lr(s) != theirs.lr(s)) differ.add("the rate at step " + (s + 1));
    }
    if (step > config.totalSteps()) differ.add("the step count (" + step + " > " + config.totalSteps() + ")");
    if (!differ.isEmpty()) {
      throw new IOException(trunkCheckpoint + ": cannot start " + out + " from it: they differ in "
          + String.join(", ", differ));
    }
    Checkpoint.Loaded loaded = Checkpoint.load(trunkCheckpoint);
    Checkpoint.Moments moments = Checkpoint.loadMoments(trunkCheckpoint, loaded.params());
    ObjectNode own = ((ObjectNode) state).deepCopy();
    own.set("config", Configs.tree(config));
    own.put("branched_from", trunkCheckpoint.toAbsolutePath().toString());
    Checkpoint.save(checkpointDir(out, step), loaded.config(), loaded.params(), moments, own);
  }

  /** The directory of the checkpoint taken after {@code step} steps. */
  public static Path checkpointDir(Path out, long step) {
    return out.resolve(CHECKPOINTS).resolve(String.format("step-%08d", step));
  }

  /**
   * The resumable checkpoint with the most steps under run directory {@code out}, if any; a
   * damaged one is passed over for the one before it, saying so on stderr.
   */
  public static Optional<Path> latestCheckpoint(Path out) throws IOException {
    Path root = out.resolve(CHECKPOINTS);
    if (!Files.isDirectory(root)) return Optional.empty();
    List<Path> newestFirst;
    try (Stream<Path> dirs = Files.list(root)) {
      // Names are zero-padded, so the last in name order has the most steps; temporary and
      // half-replaced directories carry a suffix and never match.
      newestFirst = dirs.filter(d -> d.getFileName().toString().matches("step-\\d{8}"))
          .filter(Checkpoint::isResumable)
          .sorted(java.util.Comparator.reverseOrder()).toList();
    }
    for (Path d : newestFirst) {
      Optional<String> damage = Checkpoint.damage(d);
      if (damage.isEmpty()) return Optional.of(d);
      System.err.println("checkpoint " + d + " is damaged, passed over for the one before it: " + damage.get());
    }
    return Optional.empty();
  }

  /** Deletes checkpoint directories that a killed run left half-written (never read). */
  private void removeUnfinishedCheckpoints() throws IOException {
    Path root = out.resolve(CHECKPOINTS);
    if (!Files.isDirectory(root)) return;
    List<Path> unfinished;
    try (Stream<Path> dirs = Files.list(root)) {
      unfinished = dirs.filter(d -> d.getFileName().toString().matches("step-\\d{8}\\.tmp-.*")).toList();
    }
    for (Path d : unfinished) {
      try (Stream<Path> walk = Files.walk(d)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  private TreeSet<Long> checkpointSteps() {
    TreeSet<Long> steps = new TreeSet<>();
    long every = config.checkpoint().every();
    if (every > 0) {
      for (long s = every; s <= config.totalSteps(); s += every) steps.add(s);
    }
    // The first step by whose end at least that many tokens have been seen.
    for (long tokens : config.checkpoint().at()) {
      steps.add((tokens + config.tokensPerStep() - 1) / config.tokensPerStep());
    }
    return steps;
  }

  /**
   * A checkpoint resumes only the run it belongs to: every config key must match. Paths to
   * token files count, as written; where the run itself lives does not.
   */
  private void checkSameRun(Path dir, JsonNode saved) throws IOException {
    if (!saved.has("model")) {
      throw new IOException(dir + ": the run there was written by an older overtrain, whose config "
          + "format this one does not resume; use a new --out to start another run");
    }
    JsonNode now = Configs.tree(config);
    // Through the record and back, so that 5 read as an int equals 5 written as a long.
    JsonNode was;
    try {
      was = Configs.tree(Configs.bind(TrainConfig.class, saved, java.util.Map.of()));
    } catch (IllegalArgumentException e) {
      throw new IOException(dir + ": the config in its trainer state does not load: " + e.getMessage(), e);
    }
    List<String> differ = new ArrayList<>();
    List<String> nowKeys = Configs.leafPaths(now);
    for (String key : nowKeys) {
      JsonNode a = at(was, key), b = at(now, key);
      if (!java.util.Objects.equals(a, b)) differ.add(key + " (" + a + " -> " + b + ")");
    }
    if (!differ.isEmpty()) {
      throw new IOException(dir + ": the run there has a different config: " + String.join(", ", differ)
          + "; use a new --out to start another run");
    }
  }

  private static JsonNode at(JsonNode tree, String dotted) {
    JsonNode n = tree;
    for (String k : dotted.split("\\.")) n = n == null ? null : n.get(k);
    return n;
  }

  private static void requireWindow(TokenFile file, int context, String key) throws IOException {
    if (file.length() < context + 1L) {
      throw new IOException(file.file() + " (" + key + "): " + file.length() + " tokens, but one training "
          + "window needs context + 1 = " + (context + 1));
    }
  }

  /** Drops metrics of steps a resumed run will redo (those after its checkpoint). */
  private void keepMetricsUpTo(long step) throws IOException {
    Path file = out.resolve(METRICS);
    if (!Files.exists(file)) return;
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      JsonNode record;
      try {
        record = Json.MAPPER.readTree(line);
      } catch (IOException e) {
        break; // a line cut short by a kill: nothing after it was written
      }
      if (record.path("step").asLong() > step) break;
      kept.add(line);
    }
    AtomicWrite.write(file, o -> {
      for (String line : kept) o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    });
  }

  private static String toJson(StepRecord r) throws IOException {
    ObjectNode o = Json.object();
    o.put("step", r.step());
    o.put("tokens", r.tokens());
    o.put("loss", r.loss());
    o.put("lr", r.lr());
    o.put("grad_norm", r.gradNorm());
    o.put("tokens_per_s", Math.round(r.tokensPerSecond() * 10) / 10.0);
    if (r.heldoutLoss() != null) o.put("heldout_loss", r.heldoutLoss());
    o.put("epochs", Math.round(r.epochs() * 1e6) / 1e6);
    return Json.MAPPER.writeValueAsString(o);
  }
}
