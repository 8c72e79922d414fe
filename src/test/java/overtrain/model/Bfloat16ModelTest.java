package overtrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import overtrain.kernels.BFloat16;
import overtrain.perturb.GaussianPerturbation;

/**
 * A model held in bfloat16 scores exactly as the same weights held in float32: each weight is
 * widened as it is read, and nothing else changes.
 */
class Bfloat16ModelTest {
  /** Widths that are not whole register tiles, two layers, more rows than one tile. */
  private static ModelConfig config(Architecture arch, boolean tied) {
    return new ModelConfig(101, 48, 2, 4, 136, 16, tied, 10000.0, Parameterization.MUP, 16, 0.02, arch, 1e-5);
  }

  /** Random weights, each rounded to a bfloat16 value, in float32; gains spread about 1. */
  static Parameters roundedWeights(ModelConfig c, long seed) {
    Parameters p = OlmoModel.initialize(c, seed);
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed + 1);
    float[] w = p.data();
    for (TensorSpec s : p.specs()) {
      for (int i = s.at(); i < s.end(); i++) {
        float x = s.initStd() == 0 ? (float) (1 + 0.2 * random.nextGaussian()) : w[i];
        w[i] = BFloat16.toFloat(BFloat16.round(x));
      }
    }
    return p;
  }

  static Parameters asBfloat16(Parameters p) {
    Parameters half = Parameters.bfloat16(p.specs());
    for (int t = 0; t < p.specs().size(); t++) {
      TensorSpec s = p.specs().get(t);
      short[] h = half.bfloat16(t);
      for (int i = 0; i < h.length; i++) h[i] = BFloat16.round(p.data()[s.at() + i]);
    }
    return half;
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void scoresBitForBitAsTheSameWeightsInFloat32(Architecture arch) {
    for (boolean tied : new boolean[] {false, true}) {
      ModelConfig c = config(arch, tied);
      Parameters wide = roundedWeights(c, 3);
      Parameters half = asBfloat16(wide);
      int batch = 3, t = 16;
      int[] tokens = new int[batch * t], targets = new int[batch * t];
      java.util.SplittableRandom random = new java.util.SplittableRandom(4);
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = random.nextInt(c.vocabSize());
        targets[i] = i % 7 == 2 ? -1 : random.nextInt(c.vocabSize());
      }
      OlmoModel f32 = new OlmoModel(c, wide), bf16 = new OlmoModel(c, half);
      double expected = f32.loss(tokens, targets, batch, t);
      assertEquals(expected, bf16.loss(tokens, targets, batch, t), 0.0, arch + " tied " + tied);
      float[] a = new float[batch * t], b = new float[batch * t];
      f32.targetLogProbs(tokens, targets, batch, t, a);
      bf16.targetLogProbs(tokens, targets, batch, t, b);
      assertArrayEquals(a, b, arch + " tied " + tied);
      // and again after every weight has changed, the norms' gains too (noise leaves them as
      // they are): the bfloat16 model reads its weights anew, it keeps no widened copy
      GaussianPerturbation.apply(half, 1.0, 9, half);
      GaussianPerturbation.apply(wide, 1.0, 9, wide);
      for (int k = 0; k < wide.specs().size(); k++) {
        TensorSpec s = wide.specs().get(k);
        for (int i = 0; i < s.size(); i++) {
          float x = wide.data()[s.at() + i] * (s.initStd() == 0 ? 1.5f : 1f);
          wide.data()[s.at() + i] = BFloat16.toFloat(BFloat16.round(x));
          half.bfloat16(k)[i] = BFloat16.round(x);
        }
      }
      double after = f32.loss(tokens, targets, batch, t);
      assertTrue(after != expected, "the weights changed");
      assertEquals(after, bf16.loss(tokens, targets, batch, t), 0.0, arch + " tied " + tied + ", changed");
    }
  }

  /** The perturbation of a bfloat16 model is the float32 one rounded, in place or not. */
  @Test
  void perturbationIsTheFloat32OneRounded() {
    ModelConfig c = config(Architecture.OLMO2, false);
    Parameters wide = roundedWeights(c, 5);
    Parameters half = asBfloat16(wide), out = Parameters.bfloat16(wide.specs());
    Parameters perturbed = wide.copy();
    GaussianPerturbation.apply(wide, 0.7, 11, perturbed);
    GaussianPerturbation.apply(half, 0.7, 11, out);
    GaussianPerturbation.apply(half, 0.7, 11, half);
    int changed = 0;
    for (int t = 0; t < wide.specs().size(); t++) {
      TensorSpec s = wide.specs().get(t);
      for (int i = 0; i < s.size(); i++) {
        short expected = BFloat16.round(perturbed.data()[s.at() + i]);
        assertEquals(expected, out.bfloat16(t)[i], s.name() + "[" + i + "]");
        assertEquals(expected, half.bfloat16(t)[i], s.name() + "[" + i + "] in place");
        if (expected != BFloat16.round(wide.data()[s.at() + i])) changed++;
      }
    }
    assertTrue(changed > wide.size() / 2, "the noise changed " + changed + " of " + wide.size() + " weights");
    assertThrows(IllegalArgumentException.class, () -> GaussianPerturbation.apply(wide, 1, 1, half));
  }

  @Test
  void initialisedInBfloat16TheWeightsAreTheFloat32DrawsRounded() {
    ModelConfig c = config(Architecture.LLAMA, false);
    Parameters wide = OlmoModel.initialize(c, 7), half = OlmoModel.initialize(c, 7, Parameters.Precision.BFLOAT16);
    for (int t = 0; t < wide.specs().size(); t++) {
      TensorSpec s = wide.specs().get(t);
      for (int i = 0; i < s.size(); i++) {
        assertEquals(BFloat16.round(wide.data()[s.at() + i]), half.bfloat16(t)[i], s.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void aBfloat16ModelIsNotTrained() {
    ModelConfig c = config(Architecture.OLMO, false);
    Parameters half = asBfloat16(roundedWeights(c, 1));
    OlmoModel model = new OlmoModel(c, half);
    int[] tokens = new int[16];
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> model.forwardBackward(tokens, tokens, 1, 16, new float[(int) half.count()]));
    assertTrue(e.getMessage().contains("held in bfloat16"), e.getMessage());
    assertTrue(e.getMessage().contains("training needs them in float32"), e.getMessage());
  }

  /**
   * A 7B model's layout (OLMo-2-7B: width 4096, 32 layers, MLP 11008, vocabulary 100,352,
   * untied) counts past an int without overflowing, and float32 refuses it, naming bfloat16.
   */
  @Test
  void aSevenBillionLayoutIsContiguousAndNamesBfloat16WhenFloat32CannotHoldIt() {
    ModelConfig c = new ModelConfig(100352, 4096, 32, 32, 11008, 4096, false, 500000.0,
        Parameterization.STANDARD, 4096, 0.02, Architecture.OLMO2, 1e-6);
    List<TensorSpec> specs = OlmoModel.layout(c);
    long next = 0;
    for (TensorSpec s : specs) {
      assertEquals(next, s.offset(), s.name());
      next += s.size();
    }
    assertEquals(OlmoModel.parameterCount(c), next);
    assertTrue(next > Integer.MAX_VALUE, "7B: " + next);
    TensorSpec last = specs.get(specs.size() - 1);
    assertThrows(ArithmeticException.class, last::at);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Parameters(specs));
    assertTrue(e.getMessage().contains("hold them in bfloat16"), e.getMessage());
  }
}
