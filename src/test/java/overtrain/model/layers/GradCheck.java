package overtrain.model.layers;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Central finite differences in double, and the error measures the operator tests assert. */
final class GradCheck {
  private static final double STEP = 1e-5;

  private GradCheck() {}

  /** d f / d x at x by central differences (x is restored afterwards). */
  static double[] numeric(ToDoubleFunction<double[]> f, double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double keep = x[i];
      x[i] = keep + STEP;
      double up = f.applyAsDouble(x);
      x[i] = keep - STEP;
      double down = f.applyAsDouble(x);
      x[i] = keep;
      g[i] = (up - down) / (2 * STEP);
    }
    return g;
  }

  /** ||actual - expected|| / ||expected||. */
  static double relError(float[] actual, double[] expected) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = actual[i] - expected[i];
      diff += e * e;
      norm += expected[i] * expected[i];
    }
    return Math.sqrt(diff / norm);
  }

  /** Gaussian values already rounded to float, so the float and double paths see equal inputs. */
  static double[] gaussian(Random random, int n, double std) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = (float) (random.nextGaussian() * std);
    return x;
  }

  static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
    return f;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
