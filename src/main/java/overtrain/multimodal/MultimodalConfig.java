package overtrain.multimodal;

import java.util.List;
import overtrain.finetune.FineTuneConfig;
import overtrain.io.Configs;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;

/**
 * A multimodal tuning run, as its YAML reads (LLaVA-1.5's recipe at this project's scale: a
 * higher rate for the projector alone, a lower one for the whole model, cosine with 3% warmup,
 * no weight decay):
 *
 * <pre>
 * encoder: {patch: 7, dims: 16}     # 7x7 patches of a 28x28 image: 16 visual tokens of 16 features
 * stage1:  {lr: 3.0e-3, epochs: 1, batch: 16, max_examples: 0, schedule: {...}, optim: {...}}
 * stage2:  {lr: 1.0e-3, epochs: 1, batch: 16, max_examples: 0, schedule: {...}, optim: {...}}
 * eval:    {batch: 32, max_examples: 0, heldout_tokens: 65536}
 * seed: 1
 * </pre>
 */
public record MultimodalConfig(Encoder encoder, Stage stage1, Stage stage2, Eval eval, long seed) {

  /** The frozen encoder: patch side in pixels and features per patch. */
  public record Encoder(int patch, int dims) {
    public Encoder {
      if (patch < 1) throw new IllegalArgumentException("encoder.patch must be >= 1, got " + patch);
      if (dims < 1) throw new IllegalArgumentException("encoder.dims must be >= 1, got " + dims);
    }
  }

  /**
   * One stage's training: peak rate, passes, examples per step, the schedule and AdamW's decay
   * and clipping; {@code maxExamples} keeps the split's first N records (0: all).
   */
  public record Stage(double lr, int epochs, int batch, int maxExamples, ScheduleConfig schedule, OptimConfig optim) {
    public Stage {
      if (maxExamples < 0) throw new IllegalArgumentException("max_examples must be >= 0 (0 means all), got " + maxExamples);
      new FineTuneConfig(lr, epochs, batch, schedule, optim, 0, 0); // the same checks as fine-tuning's
    }

    /** As fine-tuning's config: its loop settings, with the run's seed. */
    public FineTuneConfig run(long seed) {
      return new FineTuneConfig(lr, epochs, batch, schedule, optim, 0, seed);
    }
  }

  /**
   * @param batch sequences per forward pass when scoring
   * @param maxExamples score the first N test records only (0: all)
   * @param heldoutTokens held-out pre-training predictions scored after each stage
   */
  public record Eval(int batch, int maxExamples, long heldoutTokens) {
    public Eval {
      if (batch < 1) throw new IllegalArgumentException("eval.batch must be >= 1, got " + batch);
      if (maxExamples < 0) throw new IllegalArgumentException("eval.max_examples must be >= 0, got " + maxExamples);
      if (heldoutTokens < 1) throw new IllegalArgumentException("eval.heldout_tokens must be >= 1, got " + heldoutTokens);
    }
  }

  public MultimodalConfig {
    if (encoder == null || stage1 == null || stage2 == null || eval == null) {
      throw new IllegalArgumentException("encoder, stage1, stage2 and eval are required");
    }
  }

  private static final ScheduleConfig COSINE = new ScheduleConfig("cosine", 0, 0.03, 0.2);
  private static final OptimConfig NO_DECAY = new OptimConfig(0.0, 1.0);

  /** Every default, defined once. */
  public static final MultimodalConfig DEFAULTS = new MultimodalConfig(new Encoder(7, 16),
      new Stage(3e-3, 1, 16, 0, COSINE, NO_DECAY), new Stage(1e-3, 1, 16, 0, COSINE, NO_DECAY),
      new Eval(32, 0, 65536), 1);

  /** The defaults with {@code layers} (a YAML file, flags) over them, by the one config loader. */
  public static MultimodalConfig load(List<Configs.Layer> layers) {
    return Configs.load(MultimodalConfig.class, DEFAULTS, layers);
  }
}
