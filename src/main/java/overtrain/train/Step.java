package overtrain.train;

import java.util.Arrays;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;
import overtrain.optim.AdamW;
import overtrain.optim.GradientClipping;
import overtrain.optim.Schedule;

/**
 * The one training step, shared by pre-training, fine-tuning and the benchmark: zero the
 * gradients, forward and backward, add any extra gradient term, clip, take the schedule's
 * rate, update with AdamW. The gradient buffer is allocated once, here.
 */
public final class Step {

  /** A term added to the objective's gradient before clipping (the L2 pull to the start). */
  @FunctionalInterface
  public interface GradientTerm {
    void addTo(float[] theta, float[] grads);
  }

  /**
   * A loss whose gradient is added into a buffer of the parameters' layout: for a model that is
   * more than the language model (a projector before it), which the step cannot call itself.
   */
  @FunctionalInterface
  public interface Objective {
    double lossAndGradient(float[] grads);
  }

  /** What one step did. */
  public record Result(long step, double loss, double lr, double gradNorm) {}

  /** A step whose loss or gradient is not finite: training cannot go on from it. */
  public static final class NonFiniteException extends IllegalStateException {
    public NonFiniteException(String message) {
      super(message);
    }
  }

  private final OlmoModel model;
  private final Parameters params;
  private final AdamW optimizer;
  private final Schedule schedule;
  private final double clip;
  private final GradientTerm extra;
  private final float[] grads;
  private long step;

  /**
   * @param firstStep the 0-based index of the next step (its schedule position), non-zero
   *     when a run resumes
   * @param extra added to the gradient each step; null for none
   */
  public Step(OlmoModel model, Parameters params, AdamW optimizer, Schedule schedule, double clip,
      GradientTerm extra, long firstStep) {
    this(params, optimizer, schedule, clip, extra, firstStep, model);
  }

  /** A step over {@code params} for {@link #run(Objective)}: the objective says what the loss is. */
  public Step(Parameters params, AdamW optimizer, Schedule schedule, double clip, GradientTerm extra,
      long firstStep) {
    this(params, optimizer, schedule, clip, extra, firstStep, null);
  }

  private Step(Parameters params, AdamW optimizer, Schedule schedule, double clip, GradientTerm extra,
      long firstStep, OlmoModel model) {
    this.model = model;
    this.params = params;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.clip = clip;
    this.extra = extra;
    this.grads = new float[params.size()];
    this.step = firstStep;
  }

  /**
   * One optimiser step on {@code batch} rows of {@code seqLen} tokens. Throws
   * {@link NonFiniteException} naming the step and the first tensor whose gradient is not
   * finite, before the weights are touched.
   */
  public Result run(int[] tokens, int[] targets, int batch, int seqLen) {
    if (model == null) throw new IllegalStateException("this step has no model: call run(Objective)");
    Arrays.fill(grads, 0f);
    return update(model.forwardBackward(tokens, targets, batch, seqLen, grads));
  }

  /** One optimiser step on {@code objective}'s loss and gradient, checked and clipped as above. */
  public Result run(Objective objective) {
    Arrays.fill(grads, 0f);
    return update(objective.lossAndGradient(grads));
  }

  private Result update(double loss) {
    if (extra != null) extra.addTo(params.data(), grads);
    double norm = GradientClipping.clip(grads, clip);
    if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
      throw new NonFiniteException("step " + (step + 1) + ": loss " + loss + ", gradient norm " + norm
          + nonFiniteTensor() + "; the weights were not updated (lower the learning rate or check the data)");
    }
    double lr = schedule.lr(step);
    optimizer.update(params.data(), grads, lr);
    step++;
    return new Result(step, loss, lr, norm);
  }

  /** Steps taken, counting those before a resume. */
  public long steps() {
    return step;
  }

  private String nonFiniteTensor() {
    for (TensorSpec s : params.specs()) {
      for (int i = s.at(); i < s.end(); i++) {
        if (!Float.isFinite(grads[i])) return "; first non-finite gradient in " + s.name() + "[" + (i - s.at()) + "]";
      }
    }
    return "";
  }
}
