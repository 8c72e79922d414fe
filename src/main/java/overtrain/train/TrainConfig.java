package overtrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import overtrain.io.Configs;
import overtrain.model.ModelConfig;
import overtrain.model.Parameterization;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;

/**
 * Everything that determines a pre-training run, as nested sections (the same sections a study
 * file embeds). Where the run is written is not part of it: a run moved elsewhere is the same
 * run. Loaded by {@link Configs#load} over {@link #DEFAULTS} and written beside the run's
 * results as {@code config.yaml} exactly as used.
 *
 * <pre>
 * model:      {vocab_size, hidden_size, num_layers, num_heads, intermediate_size, max_context, ...}
 * data:       {train: FILE.npy, heldout: FILE.npy, batch: 16, order: permutation}
 * lr:         1.0e-2          # peak learning rate (muP scales hidden matrices from it)
 * optim:      {weight_decay: 0.1, clip: 1.0}
 * schedule:   {name: cosine, warmup_steps: 0, warmup_fraction: 0, decay_fraction: 0.2}
 * tokens:     2000000         # the budget; the schedule anneals to zero there
 * seed:       1
 * eval:       {every: 0, tokens: 65536}
 * checkpoint: {every: 0, at: []}
 * </pre>
 *
 * @param model the model trained; {@code max_context} is the training window
 * @param data token files and windows per step
 * @param lr peak learning rate
 * @param optim AdamW's weight decay and the gradient-norm clip
 * @param schedule the learning-rate schedule over the run
 * @param tokens training budget in tokens
 * @param seed seeds the initialisation and the window sampler
 * @param eval held-out evaluation during the run
 * @param checkpoint when resumable checkpoints are written (always at the end)
 */
public record TrainConfig(
    ModelConfig model,
    Data data,
    double lr,
    OptimConfig optim,
    ScheduleConfig schedule,
    long tokens,
    long seed,
    Eval eval,
    Checkpoints checkpoint) {

  /**
   * The token files.
   *
   * @param train 1-D .npy token file to train on
   * @param heldout .npy token file for the held-out loss; null for none
   * @param batch windows per step
   * @param order how windows are drawn: permutation (non-overlapping, every token once an
   *     epoch) or random (uniform starts, with replacement)
   */
  public record Data(String train, String heldout, int batch, WindowSampler.Order order) {
    public Data {
      if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
      if (order == null) throw new IllegalArgumentException("order must be permutation or random");
    }
  }

  /**
   * @param every steps between held-out evaluations (0: only at the end)
   * @param tokens held-out predictions scored per evaluation
   */
  public record Eval(long every, long tokens) {
    public Eval {
      if (every < 0) throw new IllegalArgumentException("every must be a number of steps >= 0, got " + every);
      if (tokens <= 0) throw new IllegalArgumentException("tokens must be positive, got " + tokens);
    }
  }

  /**
   * @param every steps between resumable checkpoints (0: only at the end)
   * @param at token counts at which to checkpoint as well
   */
  public record Checkpoints(long every, List<Long> at) {
    public Checkpoints {
      if (every < 0) throw new IllegalArgumentException("every must be a number of steps >= 0, got " + every);
      at = at == null ? List.of() : List.copyOf(at);
    }
  }

  /** Keys a run cannot start without: they have no sensible default. */
  public static final List<String> REQUIRED = List.of("model.vocab_size", "data.train", "tokens");

  /**
   * Every default, defined once: {@code --help} and {@code config.yaml} read them from here.
   * The required keys hold placeholders that {@link #load} never lets through.
   */
  public static final TrainConfig DEFAULTS = new TrainConfig(
      new ModelConfig(1, 128, 2, 4, 512, 256, true, ModelConfig.DEFAULT_ROPE_THETA,
          Parameterization.MUP, 128, 0.02),
      new Data("", null, 16, WindowSampler.Order.PERMUTATION),
      1e-2,
      new OptimConfig(0.1, 1.0),
      new ScheduleConfig("cosine", 0, 0, 0.2),
      1,
      1,
      new Eval(0, 65536),
      new Checkpoints(0, List.of()));

  public TrainConfig {
    require(model != null && data != null && optim != null && schedule != null && eval != null
        && checkpoint != null, "model, data, optim, schedule, eval and checkpoint", "mappings");
    require(lr >= 0, "lr", "a learning rate >= 0");
    require(tokens > 0, "tokens", "a positive token budget");
    for (long t : checkpoint.at()) require(t > 0 && t <= tokens, "checkpoint.at", "token counts in (0, tokens]");
    long steps = (tokens + (long) data.batch() * model.maxContext() - 1) / ((long) data.batch() * model.maxContext());
    require(schedule.warmup(steps) < steps, "schedule.warmup_steps", "fewer steps than the run's " + steps);
  }

  /**
   * The defaults with {@code layers} (a YAML file, then flags) over them. A width given without
   * {@code intermediate_size} gets OLMo's 4 x width; a required key no layer gives is an error
   * naming it.
   */
  public static TrainConfig load(List<Configs.Layer> layers) {
    boolean ffGiven = false;
    for (String key : REQUIRED) {
      boolean given = false;
      for (Configs.Layer l : layers) given |= has(l.tree(), key);
      if (!given) throw new IllegalArgumentException("'" + key + "' is required (in the YAML file or as a flag)");
    }
    for (Configs.Layer l : layers) ffGiven |= has(l.tree(), "model.intermediate_size");
    if (!ffGiven) {
      int width = DEFAULTS.model().hiddenSize();
      for (Configs.Layer l : layers) {
        JsonNode w = l.tree().path("model").path("hidden_size");
        if (w.canConvertToInt()) width = w.intValue();
      }
      ObjectNode derived = Configs.empty();
      Configs.put(derived, "model.intermediate_size", 4 * width);
      layers = new java.util.ArrayList<>(layers);
      layers.add(0, new Configs.Layer("defaults (4 x model.hidden_size)", derived));
    }
    return Configs.load(TrainConfig.class, DEFAULTS, layers);
  }

  /** Tokens consumed by one optimiser step. */
  public long tokensPerStep() {
    return (long) data.batch() * model.maxContext();
  }

  /** Optimiser steps in the run: the budget rounded up to whole steps. */
  public long totalSteps() {
    return (tokens + tokensPerStep() - 1) / tokensPerStep();
  }

  /** This config as YAML text, keys in the documented order. */
  public String toYaml() {
    return Configs.toYaml(this);
  }

  private static boolean has(JsonNode tree, String dotted) {
    JsonNode at = tree;
    for (String k : dotted.split("\\.")) at = at == null ? null : at.get(k);
    return at != null && !at.isNull() && !(at.isTextual() && at.asText().isBlank());
  }

  private static void require(boolean ok, String key, String expected) {
    if (!ok) throw new IllegalArgumentException(key + " must be " + expected);
  }
}
