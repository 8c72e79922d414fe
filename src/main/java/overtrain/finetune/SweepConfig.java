package overtrain.finetune;

import java.util.List;
import overtrain.io.Configs;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;

/**
 * A fine-tuning sweep, as its YAML reads: one run per learning rate, each from the same
 * checkpoint, every other setting shared; the best on the validation split is chosen.
 *
 * <pre>
 * lr: [1.0e-4, 3.0e-4]   # one or more peak rates
 * epochs: 3
 * batch: 16
 * schedule: {name: cosine, warmup_fraction: 0.06}
 * optim: {weight_decay: 0.0, clip: 1.0}
 * l2_to_init: 0.0
 * seed: 1
 * max_train_examples: 0  # 0: all
 * eval: {batch: 16, max_examples: 0, heldout_tokens: 65536, test_every_rate: false}
 * </pre>
 *
 * @param lr the peak learning rates to try
 * @param maxTrainExamples train on the first N examples only; 0 for all
 * @param eval how the runs are scored
 */
public record SweepConfig(
    List<Double> lr,
    int epochs,
    int batch,
    ScheduleConfig schedule,
    OptimConfig optim,
    double l2ToInit,
    long seed,
    int maxTrainExamples,
    Eval eval) {

  /**
   * @param batch sequences per forward pass when scoring
   * @param maxExamples score at most this many validation and test examples; 0 for all
   * @param heldoutTokens held-out pre-training predictions scored per measurement
   * @param testEveryRate score every rate's model on the test split, not only the chosen one
   */
  public record Eval(int batch, int maxExamples, long heldoutTokens, boolean testEveryRate) {
    public Eval {
      if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      if (maxExamples < 0) throw new IllegalArgumentException("max_examples must be >= 0 (0 means all), got " + maxExamples);
      if (heldoutTokens < 1) throw new IllegalArgumentException("heldout_tokens must be >= 1, got " + heldoutTokens);
    }
  }

  /** Every default, defined once ({@code --help} reads them from here). */
  public static final SweepConfig DEFAULTS = new SweepConfig(List.of(1e-4), 3, 16,
      new ScheduleConfig("cosine", 0, 0.06, 0.2), new OptimConfig(0.0, 1.0), 0.0, 1, 0,
      new Eval(16, 0, 65536, false));

  /** Keys a sweep cannot start without. */
  public static final List<String> REQUIRED = List.of("lr");

  public SweepConfig {
    lr = lr == null ? List.of() : List.copyOf(lr);
    if (lr.isEmpty()) throw new IllegalArgumentException("lr: give at least one learning rate");
    if (maxTrainExamples < 0) {
      throw new IllegalArgumentException("max_train_examples must be >= 0 (0 means all), got " + maxTrainExamples);
    }
    if (eval == null) throw new IllegalArgumentException("eval is required");
    for (double r : lr) run(r, epochs, batch, schedule, optim, l2ToInit, seed);
  }

  /** The run at {@code rate}. */
  public FineTuneConfig run(double rate) {
    return run(rate, epochs, batch, schedule, optim, l2ToInit, seed);
  }

  private static FineTuneConfig run(double rate, int epochs, int batch, ScheduleConfig schedule,
      OptimConfig optim, double l2ToInit, long seed) {
    return new FineTuneConfig(rate, epochs, batch, schedule, optim, l2ToInit, seed);
  }

  /** The defaults with {@code layers} over them; {@code lr} must be given. */
  public static SweepConfig load(List<Configs.Layer> layers) {
    boolean given = layers.stream().anyMatch(l -> l.tree().hasNonNull("lr"));
    if (!given) throw new IllegalArgumentException("'lr' is required (in the YAML file or as --lr)");
    return Configs.load(SweepConfig.class, DEFAULTS, layers);
  }
}
