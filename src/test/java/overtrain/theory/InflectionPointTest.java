package overtrain.theory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's Section 4 claims, checked on the default model: a misaligned fine-tuning task
 * makes the pre-training loss after fine-tuning fall and then rise with pre-training time; an
 * aligned one does not; a larger fine-tuning LR brings the inflection earlier; a stronger pull
 * toward the pre-trained weights delays it and costs fine-tuning loss.
 */
class InflectionPointTest {

  private static final double MISALIGNED = 50;
  private static TheoryResult result;

  @BeforeAll
  static void run() {
    TheoryConfig d = TheoryConfig.defaults();
    TheoryConfig config = new TheoryConfig(d.seed(), d.dimension(), d.hidden(), d.rank(),
        d.spectrum(), d.init(), d.pretrain(),
        new TheoryConfig.Finetune(d.finetune().steps(), List.of(0.1, 0.2), List.of(0.0, 0.03),
            List.of(0.0, MISALIGNED)),
        d.riseTolerance());
    result = TheoryExperiment.run(config, (done, total) -> {});
  }

  @Test
  void misalignedTaskHasAnInteriorMinimum() {
    for (double lr : List.of(0.1, 0.2)) {
      TheoryResult.Setting s = result.setting(lr, 0.0, MISALIGNED);
      double[] after = s.lossAfter();
      Inflection inflection = s.inflection();
      assertTrue(inflection.interior(), "lr " + lr + ": " + inflection.describe());
      // Falls to the minimum, then rises clearly (by 5% of it) by the grid's end.
      assertTrue(after[0] > inflection.loss(), "lr " + lr + ": no fall before the minimum");
      assertTrue(after[after.length - 1] > 1.05 * inflection.loss(),
          "lr " + lr + ": loss after fine-tuning rises only to " + after[after.length - 1]
              + " from " + inflection.loss());
    }
  }

  @Test
  void alignedTaskNeverRises() {
    for (double lr : List.of(0.1, 0.2)) {
      double[] after = result.setting(lr, 0.0, 0.0).lossAfter();
      for (int k = 1; k < after.length; k++) {
        // Rounding noise only: 1e-9 of the starting loss.
        assertTrue(after[k] <= after[k - 1] + 1e-9 * after[0], "lr " + lr + ": aligned loss rose from "
            + after[k - 1] + " to " + after[k] + " at T = " + result.times()[k]);
      }
      assertFalse(result.setting(lr, 0.0, 0.0).inflection().interior());
    }
  }

  @Test
  void largerLearningRateMovesTheInflectionEarlier() {
    Inflection small = result.setting(0.1, 0.0, MISALIGNED).inflection();
    Inflection large = result.setting(0.2, 0.0, MISALIGNED).inflection();
    assertTrue(small.interior() && large.interior());
    assertTrue(large.time() < small.time(),
        "LR 0.2 inflects at T = " + large.time() + ", LR 0.1 at T = " + small.time());
  }

  @Test
  void largerLambdaDelaysTheInflectionAndRaisesFineTuningLoss() {
    for (double lr : List.of(0.1, 0.2)) {
      TheoryResult.Setting free = result.setting(lr, 0.0, MISALIGNED);
      TheoryResult.Setting pulled = result.setting(lr, 0.03, MISALIGNED);
      assertTrue(pulled.inflection().interior(), "lr " + lr + ": " + pulled.inflection().describe());
      assertTrue(pulled.inflection().time() > free.inflection().time(), "lr " + lr + ": lambda 0.03 inflects at T = "
          + pulled.inflection().time() + ", lambda 0 at T = " + free.inflection().time());
      for (int k = 0; k < result.times().length; k++) {
        assertTrue(pulled.finetuneLoss()[k] > free.finetuneLoss()[k], "lr " + lr + ", T = "
            + result.times()[k] + ": fine-tuning loss with the pull " + pulled.finetuneLoss()[k]
            + " is not above " + free.finetuneLoss()[k]);
      }
    }
  }

  @Test
  void sameSeedSameBits() {
    TheoryConfig d = TheoryConfig.defaults();
    TheoryConfig small = new TheoryConfig(d.seed(), 8, 8, 3, d.spectrum(), d.init(),
        new TheoryConfig.Pretrain(0.05, 1, 20, 5, 5), new TheoryConfig.Finetune(5, List.of(0.1),
            List.of(0.01), List.of(30.0)), d.riseTolerance());
    TheoryResult a = TheoryExperiment.run(small, (done, total) -> {});
    TheoryResult b = TheoryExperiment.run(small, (done, total) -> {});
    assertArrayEquals(a.settings().get(0).lossAfter(), b.settings().get(0).lossAfter());
    assertArrayEquals(a.trajectory().singularValues(), b.trajectory().singularValues());
  }
}
