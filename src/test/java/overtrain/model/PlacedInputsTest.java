package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import overtrain.model.layers.Projector;

/**
 * Inputs placed in the residual stream (visual tokens) and the projector that makes them: their
 * gradients against central differences of {@link ReferenceModel}'s loss in double, and the
 * placement's independence from the token ids it replaces.
 */
class PlacedInputsTest {
  private static final double STEP = 1e-5;
  private static final int BATCH = 2, T = 6, F = 5;
  private static final int[] ROWS = {0, 1, T, T + 1}; // two visual tokens before each row's text

  private final ModelConfig c = new ModelConfig(13, 8, 2, 2, 12, 8, false, 500.0, Parameterization.MUP, 4, 0.02,
      Architecture.OLMO, 1e-5);
  private final Random random = new Random(4);
  private final Parameters params = OlmoModel.initialize(c, 1);
  private final int[] tokens = new int[BATCH * T], targets = new int[BATCH * T];

  PlacedInputsTest() {
    for (TensorSpec s : params.specs()) {
      for (int i = s.at(); i < s.end(); i++) params.data()[i] = (float) (0.4 * random.nextGaussian());
    }
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = random.nextInt(c.vocabSize());
      targets[i] = i % T < 2 ? -1 : random.nextInt(c.vocabSize()); // no loss on the visual tokens' predictions
    }
  }

  private float[] gaussian(int n, double std) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (std * random.nextGaussian());
    return x;
  }

  private static double[] widen(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) d[i] = x[i];
    return d;
  }

  private static double relError(float[] actual, double[] expected) {
    double diff = 0, norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      norm += expected[i] * expected[i];
    }
    assertTrue(norm > 0, "no gradient");
    return Math.sqrt(diff / norm);
  }

  @Test
  void placedInputsAndTheModelGetTheGradientsOfTheDoubleDefinition() {
    int d = c.hiddenSize();
    float[] vectors = gaussian(ROWS.length * d, 0.7);
    PlacedInputs placed = new PlacedInputs(ROWS, vectors, new float[vectors.length]);
    float[] grads = new float[params.size()];
    double loss = new OlmoModel(c, params).forwardBackward(tokens, targets, BATCH, T, grads, placed);

    ReferenceModel ref = new ReferenceModel(c);
    double[] p = widen(params.data()), v = widen(vectors);
    assertEquals(ref.loss(p, tokens, targets, BATCH, T, ROWS, v), loss, 2e-6 * loss);
    double[] numeric = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double keep = v[i];
      v[i] = keep + STEP;
      double up = ref.loss(p, tokens, targets, BATCH, T, ROWS, v);
      v[i] = keep - STEP;
      double down = ref.loss(p, tokens, targets, BATCH, T, ROWS, v);
      v[i] = keep;
      numeric[i] = (up - down) / (2 * STEP);
    }
    double error = relError(placed.grads(), numeric);
    assertTrue(error < 1e-4, "placed inputs' gradient off by " + error);

    double[] numericModel = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double keep = p[i];
      p[i] = keep + STEP;
      double up = ref.loss(p, tokens, targets, BATCH, T, ROWS, v);
      p[i] = keep - STEP;
      double down = ref.loss(p, tokens, targets, BATCH, T, ROWS, v);
      p[i] = keep;
      numericModel[i] = (up - down) / (2 * STEP);
    }
    double modelError = relError(grads, numericModel);
    assertTrue(modelError < 1e-4, "model's gradient with placed inputs off by " + modelError);
  }

  /** The projector's output placed as visual tokens: d(loss)/d(projector) through both. */
  @Test
  void theProjectorsGradientThroughThePlacementMatchesCentralDifferences() {
    int d = c.hiddenSize(), n = ROWS.length, size = Projector.size(F, d);
    float[] w = gaussian(size, 0.5), x = gaussian(n * F, 1.0);
    float[] h = new float[n * d], a = new float[n * d], y = new float[n * d];
    Projector.forward(x, n, F, d, w, 0, h, a, y);
    PlacedInputs placed = new PlacedInputs(ROWS, y, new float[n * d]);
    new OlmoModel(c, params).forwardBackward(tokens, targets, BATCH, T, new float[params.size()], placed);
    float[] grads = new float[size];
    Projector.backward(placed.grads(), x, h, a, n, F, d, w, 0, grads, 0, new float[n * d]);

    ReferenceModel ref = new ReferenceModel(c);
    double[] p = widen(params.data()), wd = widen(w), xd = widen(x);
    double[] numeric = new double[size];
    for (int i = 0; i < size; i++) {
      double keep = wd[i];
      wd[i] = keep + STEP;
      double up = ref.loss(p, tokens, targets, BATCH, T, ROWS, project(wd, xd, n, d));
      wd[i] = keep - STEP;
      double down = ref.loss(p, tokens, targets, BATCH, T, ROWS, project(wd, xd, n, d));
      wd[i] = keep;
      numeric[i] = (up - down) / (2 * STEP);
    }
    double error = relError(grads, numeric);
    assertTrue(error < 1e-4, "projector's gradient through the model off by " + error);
  }

  /** The projector's definition in double (tanh GELU). */
  private static double[] project(double[] w, double[] x, int n, int d) {
    int b1 = d * F, w2 = b1 + d, b2 = w2 + d * d;
    double[] y = new double[n * d];
    for (int i = 0; i < n; i++) {
      double[] a = new double[d];
      for (int j = 0; j < d; j++) {
        double h = w[b1 + j];
        for (int k = 0; k < F; k++) h += w[j * F + k] * x[i * F + k];
        a[j] = 0.5 * h * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (h + 0.044715 * h * h * h)));
      }
      for (int j = 0; j < d; j++) {
        double s = w[b2 + j];
        for (int k = 0; k < d; k++) s += w[w2 + j * d + k] * a[k];
        y[i * d + j] = s;
      }
    }
    return y;
  }

  @Test
  void theTokenIdsUnderPlacedInputsAreNeitherReadNorTrained() {
    int d = c.hiddenSize();
    float[] vectors = gaussian(ROWS.length * d, 0.7);
    OlmoModel model = new OlmoModel(c, params);
    float[] g1 = new float[params.size()], g2 = new float[params.size()];
    PlacedInputs p1 = new PlacedInputs(ROWS, vectors, new float[vectors.length]);
    PlacedInputs p2 = new PlacedInputs(ROWS, vectors, new float[vectors.length]);
    double l1 = model.forwardBackward(tokens, targets, BATCH, T, g1, p1);
    int[] other = tokens.clone();
    for (int r : ROWS) other[r] = (tokens[r] + 5) % c.vocabSize();
    double l2 = model.forwardBackward(other, targets, BATCH, T, g2, p2);
    assertEquals(l1, l2);
    assertArrayEquals(g1, g2);
    assertArrayEquals(p1.grads(), p2.grads());
    // and without placement the loss differs: the check above could fail
    double plain = model.loss(tokens, targets, BATCH, T);
    assertTrue(Math.abs(plain - l1) > 1e-4, plain + " vs " + l1);
  }
}
