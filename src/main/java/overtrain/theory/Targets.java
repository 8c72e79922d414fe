package overtrain.theory;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;

/**
 * The pre-training target A = U S V^T and the fine-tuning targets B = U' S V'^T derived from
 * it by rotating its singular vectors.
 *
 * <p>U and V are full d x d orthogonal bases drawn at random; only their first r columns carry
 * A's strengths. The rotation for B turns each of A's directions i &lt; r toward the unused
 * direction r + i (in U and V alike), so B's mode i keeps A's strength but overlaps A's mode i
 * by cos(angle) on each side: angle 0 is the aligned task, 90 degrees a task whose modes are
 * orthogonal to everything A holds. B keeps A's spectrum so that only alignment changes.
 *
 * @param u left singular vectors, d x d, orthogonal
 * @param v right singular vectors, d x d, orthogonal
 * @param strengths A's singular values, strongest first; their count is the rank r
 */
public record Targets(DMatrixRMaj u, DMatrixRMaj v, double[] strengths) {

  public Targets {
    if (u.numRows != u.numCols || v.numRows != v.numCols || u.numRows != v.numRows) {
      throw new IllegalArgumentException("U and V must both be d x d");
    }
    if (2 * strengths.length > u.numRows) {
      throw new IllegalArgumentException("rank " + strengths.length + " needs dimension at least "
          + 2 * strengths.length + " (each mode rotates into a direction of its own), got "
          + u.numRows);
    }
  }

  /** Draws U and V uniformly from the orthogonal group. */
  public static Targets random(int dimension, double[] strengths, Random rng) {
    return new Targets(RandomMatrices_DDRM.orthogonal(dimension, dimension, rng),
        RandomMatrices_DDRM.orthogonal(dimension, dimension, rng), strengths.clone());
  }

  public int dimension() {
    return u.numRows;
  }

  public int rank() {
    return strengths.length;
  }

  /** A = U S V^T. */
  public DMatrixRMaj pretraining() {
    return rotated(0);
  }

  /** B = U' S V'^T with every mode turned by the given angle (radians) as described above. */
  public DMatrixRMaj rotated(double angle) {
    int d = dimension();
    int r = rank();
    DMatrixRMaj target = new DMatrixRMaj(d, d);
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    double[] left = new double[d];
    double[] right = new double[d];
    for (int i = 0; i < r; i++) {
      for (int k = 0; k < d; k++) {
        left[k] = c * u.get(k, i) + s * u.get(k, r + i);
        right[k] = c * v.get(k, i) + s * v.get(k, r + i);
      }
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) target.add(a, b, strengths[i] * left[a] * right[b]);
      }
    }
    return target;
  }

  /**
   * A's mode strengths as the network holds them: u_i^T P v_i for each of A's directions.
   * Under the decoupled initialisation these are exactly the closed form's u(t).
   */
  public double[] modeStrengths(DMatrixRMaj product) {
    int d = dimension();
    double[] out = new double[rank()];
    DMatrixRMaj pv = new DMatrixRMaj(d, 1);
    for (int i = 0; i < out.length; i++) {
      DMatrixRMaj vi = CommonOps_DDRM.extractColumn(v, i, null);
      CommonOps_DDRM.mult(product, vi, pv);
      double sum = 0;
      for (int k = 0; k < d; k++) sum += u.get(k, i) * pv.get(k, 0);
      out[i] = sum;
    }
    return out;
  }
}
