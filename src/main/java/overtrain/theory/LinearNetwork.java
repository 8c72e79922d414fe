package overtrain.theory;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import java.util.Random;

/**
 * The two-layer linear network f(x) = W2 W1 x, trained on the population loss
 * 0.5 ||W2 W1 - T||_F^2 (the expected squared error for x ~ N(0, I), up to the target's
 * noise-free constant), optionally with an L2 pull lambda (||W1 - W1'||^2 + ||W2 - W2'||^2)
 * toward anchor weights.
 *
 * <p>Shapes: W1 is hidden x d, W2 is d x hidden, targets are d x d.
 *
 * @param w1 first layer, hidden x d
 * @param w2 second layer, d x hidden
 */
public record LinearNetwork(DMatrixRMaj w1, DMatrixRMaj w2) {

  public LinearNetwork {
    if (w1.numCols != w2.numRows || w1.numRows != w2.numCols) {
      throw new IllegalArgumentException("W1 is " + w1.numRows + "x" + w1.numCols
          + " but W2 is " + w2.numRows + "x" + w2.numCols + "; expected hidden x d and d x hidden");
    }
  }

  /**
   * Saxe et al.'s balanced start aligned with the target: W1 = alpha Q V_m^T and W2 = alpha U_m
   * Q^T with Q (hidden x m) orthonormal and m = min(hidden, d), so W2 W1 = alpha^2 U_m V_m^T and
   * every mode starts at strength alpha^2 with equal weight on both layers.
   */
  public static LinearNetwork decoupled(Targets targets, int hidden, double alpha, Random rng) {
    int d = targets.dimension();
    int m = Math.min(hidden, d);
    DMatrixRMaj q = RandomMatrices_DDRM.orthogonal(hidden, m, rng);
    DMatrixRMaj um = CommonOps_DDRM.extract(targets.u(), 0, d, 0, m);
    DMatrixRMaj vm = CommonOps_DDRM.extract(targets.v(), 0, d, 0, m);
    DMatrixRMaj w1 = new DMatrixRMaj(hidden, d);
    CommonOps_DDRM.multTransB(alpha, q, vm, w1);
    DMatrixRMaj w2 = new DMatrixRMaj(d, hidden);
    CommonOps_DDRM.multTransB(alpha, um, q, w2);
    return new LinearNetwork(w1, w2);
  }

  /** Independent N(0, alpha^2 / fan_in) entries in both layers. */
  public static LinearNetwork gaussian(int dimension, int hidden, double alpha, Random rng) {
    return new LinearNetwork(
        RandomMatrices_DDRM.rectangleGaussian(hidden, dimension, 0, alpha / Math.sqrt(dimension), rng),
        RandomMatrices_DDRM.rectangleGaussian(dimension, hidden, 0, alpha / Math.sqrt(hidden), rng));
  }

  /** A deep copy: training steps update weights in place. */
  public LinearNetwork copy() {
    return new LinearNetwork(w1.copy(), w2.copy());
  }

  /** The end-to-end map W2 W1, d x d. */
  public DMatrixRMaj product() {
    DMatrixRMaj p = new DMatrixRMaj(w2.numRows, w1.numCols);
    CommonOps_DDRM.mult(w2, w1, p);
    return p;
  }

  /** Population loss 0.5 ||W2 W1 - target||_F^2. */
  public double loss(DMatrixRMaj target) {
    DMatrixRMaj residual = product();
    CommonOps_DDRM.subtractEquals(residual, target);
    double norm = NormOps_DDRM.normF(residual);
    return 0.5 * norm * norm;
  }

  /**
   * One gradient-descent step on 0.5 ||W2 W1 - target||^2 + lambda (||W - anchor||^2), both
   * layers updated from the same residual (simultaneous, as gradient flow is).
   *
   * @param anchor the weights the L2 pull draws toward; ignored when lambda is 0
   */
  public void step(DMatrixRMaj target, double lr, LinearNetwork anchor, double lambda) {
    DMatrixRMaj residual = product(); // G = W2 W1 - T, d x d
    CommonOps_DDRM.subtractEquals(residual, target);
    DMatrixRMaj gradW1 = new DMatrixRMaj(w1.numRows, w1.numCols); // W2^T G, hidden x d
    CommonOps_DDRM.multTransA(w2, residual, gradW1);
    DMatrixRMaj gradW2 = new DMatrixRMaj(w2.numRows, w2.numCols); // G W1^T, d x hidden
    CommonOps_DDRM.multTransB(residual, w1, gradW2);
    if (lambda != 0) {
      addPull(gradW1, w1, anchor.w1, lambda);
      addPull(gradW2, w2, anchor.w2, lambda);
    }
    CommonOps_DDRM.addEquals(w1, -lr, gradW1);
    CommonOps_DDRM.addEquals(w2, -lr, gradW2);
  }

  /** Adds the gradient of lambda ||w - anchor||^2, which is 2 lambda (w - anchor). */
  private static void addPull(DMatrixRMaj grad, DMatrixRMaj w, DMatrixRMaj anchor, double lambda) {
    double[] g = grad.data;
    double[] x = w.data;
    double[] a = anchor.data;
    for (int i = 0; i < g.length; i++) g[i] += 2 * lambda * (x[i] - a[i]);
  }
}
