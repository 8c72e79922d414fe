package overtrain.theory;

import java.util.List;

/**
 * What one run of the simulation measured.
 *
 * @param config the settings used
 * @param strengths the pre-training target's singular values s_i, strongest first
 * @param initialStrength u0, each mode's starting strength under the decoupled initialisation
 *     (alpha^2), the closed form's starting point
 * @param times the grid of pre-training times T (learning rate x steps)
 * @param lossBefore pre-training loss at each T, before fine-tuning
 * @param learned the top-r singular values of W2 W1 at each T ([T][mode])
 * @param trajectory the singular values through pre-training, beside the closed form
 * @param settings one entry per fine-tuning setting, in the order lr, then lambda, then angle
 */
public record TheoryResult(
    TheoryConfig config,
    double[] strengths,
    double initialStrength,
    double[] times,
    double[] lossBefore,
    double[][] learned,
    Trajectory trajectory,
    List<Setting> settings) {

  /**
   * @param times evenly spaced pre-training times
   * @param singularValues top-r singular values of W2 W1 ([time][mode])
   * @param modeStrengths u_i^T W2 W1 v_i, the strength held along each of A's modes
   * @param closedForm Saxe et al.'s u(t) for each mode from u0
   */
  public record Trajectory(
      double[] times, double[][] singularValues, double[][] modeStrengths, double[][] closedForm) {}

  /**
   * @param lr fine-tuning learning rate
   * @param lambda strength of the L2 pull toward the pre-trained weights
   * @param angleDegrees rotation of the fine-tuning target's singular vectors
   * @param lossAfter pre-training loss after fine-tuning, per T
   * @param finetuneLoss fine-tuning loss after fine-tuning, per T
   * @param inflection where lossAfter is lowest, and whether that is an inflection point
   */
  public record Setting(
      double lr,
      double lambda,
      double angleDegrees,
      double[] lossAfter,
      double[] finetuneLoss,
      Inflection inflection) {}

  /** The setting with exactly these values. */
  public Setting setting(double lr, double lambda, double angleDegrees) {
    for (Setting s : settings) {
      if (s.lr == lr && s.lambda == lambda && s.angleDegrees == angleDegrees) return s;
    }
    throw new IllegalArgumentException(
        "no setting with lr " + lr + ", lambda " + lambda + ", angle " + angleDegrees);
  }
}
