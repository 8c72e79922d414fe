package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import overtrain.kernels.Parallel;

/** The memory formula against the buffers a real training step lays out. */
class TrainingMemoryTest {
  private static ModelConfig config(boolean tied) {
    return new ModelConfig(97, 32, 2, 4, 80, 24, tied, 10000.0, Parameterization.MUP, 16, 0.02);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void theFormulaIsWhatAStepHolds(Architecture arch) {
    for (boolean tied : new boolean[] {true, false}) {
      ModelConfig c = config(tied).withArchitecture(arch, arch.defaultEps());
      for (int[] shape : new int[][] {{3, 24}, {1, 7}}) {
        int batch = shape[0], context = shape[1];
        Parameters p = OlmoModel.initialize(c, 1);
        OlmoModel model = new OlmoModel(c, p);
        int n = batch * context;
        int[] tokens = new int[n], targets = new int[n];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < n; i++) {
          tokens[i] = rng.nextInt(97);
          targets[i] = rng.nextInt(97);
        }
        float[] grads = new float[p.size()];
        model.forwardBackward(tokens, targets, batch, context, grads);

        OlmoModel.Memory m = OlmoModel.trainingMemory(c, batch, context);
        String what = arch + (tied ? " tied " : " untied ") + batch + " x " + context;
        assertEquals(p.size(), OlmoModel.parameterCount(c), what);
        assertEquals(4L * p.data().length, m.weights(), what);
        assertEquals(4L * grads.length, m.gradients(), what);
        assertEquals(2 * 4L * p.size(), m.adamMoments(), what + ": AdamW's two moments, one float per parameter each");
        assertEquals(model.heldActivationBytes(), m.activations(), what);
        assertEquals(4L * Parallel.threads() * context * context, m.workspace(), what);
        assertEquals(m.weights() + m.gradients() + m.adamMoments() + m.activations() + m.workspace(), m.total());
      }
    }
  }

  /** Beyond the max heap: refused with the need and the limit, before anything is allocated. */
  @Test
  void aRunLargerThanTheHeapIsRefusedUpFront() {
    // each layer keeps 256 x 2048 x 2048 attention probabilities (4 GiB): enough layers to pass
    // whatever -Xmx this runs under
    int layers = (int) (Runtime.getRuntime().maxMemory() / (4L << 30)) + 2;
    ModelConfig big = new ModelConfig(100, 64, layers, 1, 128, 2048, false, 10000.0,
        Parameterization.STANDARD, 64, 0.02);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OlmoModel.checkFits(big, 256, 2048, "pretrain"));
    assertTrue(e.getMessage().startsWith("pretrain with batch 256 x context 2048 needs ")
        && e.getMessage().contains("weights ") && e.getMessage().contains("Adam moments ")
        && e.getMessage().contains("but the JVM's max heap is ") && e.getMessage().contains("-Xmx"),
        e.getMessage());
    OlmoModel.checkFits(config(true), 2, 24, "pretrain"); // a small one fits
  }

  /** Element counts past what one Java array holds: the need, not "integer overflow". */
  @Test
  void sizesThatOverflowAnIntAreRefusedWithTheirNeed() {
    ModelConfig wide = new ModelConfig(100, 64, 1, 4, 128, 100_000, false, 10000.0,
        Parameterization.STANDARD, 64, 0.02);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OlmoModel.checkFits(wide, 1, 100_000, "pretrain"));
    assertTrue(e.getMessage().contains("attention probabilities") && e.getMessage().contains("40000000000 floats")
        && e.getMessage().contains("more than one Java array holds"), e.getMessage());
    // the model itself refuses the same shape on the way in, with the same words
    OlmoModel model = new OlmoModel(wide, OlmoModel.initialize(wide, 1));
    int[] ids = new int[100_000];
    e = assertThrows(IllegalArgumentException.class, () -> model.loss(ids, ids, 1, 100_000));
    assertTrue(e.getMessage().contains("attention probabilities"), e.getMessage());
  }
}
