package overtrain.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import overtrain.eval.SequenceScorer;
import overtrain.model.Architecture;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;
import overtrain.optim.OptimConfig;
import overtrain.optim.ScheduleConfig;
import overtrain.tasks.encoding.Batch;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.metrics.ClassificationMetrics;
import overtrain.tasks.metrics.Score;

class FineTunerTest {
  private static final int VOCAB = 16;
  private static final int PAD = 0;
  /** Label words: class c is verbalised as token LABEL + c. */
  private static final int LABEL = 12;
  /** The token that decides the class: KEY + c appears once in every input. */
  private static final int KEY = 10;
  private static final int CONTEXT = 12;

  private static ModelConfig tiny() {
    return new ModelConfig(VOCAB, 32, 1, 2, 64, CONTEXT, false, 10000, Parameterization.MUP, 32, 0.02);
  }

  /** Inputs of filler tokens 2..9 with one key token; the class is which key. */
  private static List<int[]> inputs(int n, int[] classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      int[] ctx = new int[4 + r.nextInt(4)];
      for (int i = 0; i < ctx.length; i++) ctx[i] = 2 + r.nextInt(8);
      classes[e] = r.nextInt(2);
      ctx[r.nextInt(ctx.length)] = KEY + classes[e];
      out.add(ctx);
    }
    return out;
  }

  private static ClassificationMetrics evaluate(OlmoModel model, List<int[]> inputs, int[] gold) {
    List<Sequence> seqs = new ArrayList<>();
    for (int[] ctx : inputs) {
      for (int c = 0; c < 2; c++) seqs.add(Sequence.of(ctx, new int[] {LABEL + c}, CONTEXT));
    }
    List<Score> scores = new SequenceScorer(model::targetLogProbs, PAD, 16).score(seqs);
    List<double[]> perClass = new ArrayList<>();
    for (int e = 0; e < inputs.size(); e++) {
      perClass.add(new double[] {scores.get(2 * e).meanLogProb(), scores.get(2 * e + 1).meanLogProb()});
    }
    return ClassificationMetrics.of(perClass, gold);
  }

  /** Each architecture fine-tunes: Llama and OLMo-2 (their norms' weights trained too) as OLMo. */
  @ParameterizedTest
  @EnumSource(Architecture.class)
  void fineTuningASeparableTaskReachesHighAccuracy(Architecture arch) {
    ModelConfig tiny = tiny().withArchitecture(arch, arch.defaultEps());
    int[] trainGold = new int[256];
    List<int[]> train = inputs(256, trainGold, 1);
    int[] testGold = new int[64];
    List<int[]> test = inputs(64, testGold, 2);
    List<Sequence> data = new ArrayList<>();
    for (int e = 0; e < train.size(); e++) {
      data.add(Sequence.of(train.get(e), new int[] {LABEL + trainGold[e]}, CONTEXT));
    }
    Parameters params = OlmoModel.initialize(tiny, 7);
    OlmoModel model = new OlmoModel(tiny, params);
    ClassificationMetrics before = evaluate(model, test, testGold);
    FineTuneConfig config = new FineTuneConfig(1e-2, 6, 16, new ScheduleConfig("cosine", 0, 0.1, 0.2), new OptimConfig(0.0, 1.0), 0.0, 3);
    FineTuner.train(model, params, data, PAD, config, step -> {});
    ClassificationMetrics after = evaluate(model, test, testGold);
    assertTrue(after.accuracy() >= 0.95, arch + ": accuracy after fine-tuning " + after.accuracy());
    assertTrue(after.classPerplexity() < before.classPerplexity(),
        "class perplexity " + before.classPerplexity() + " -> " + after.classPerplexity());
  }

  @Test
  void classPerplexityOfAModelWithAZeroOutputHeadIsTheNumberOfClasses() {
    Parameters params = OlmoModel.initialize(tiny(), 5);
    TensorSpec head = params.spec("lm_head.weight");
    Arrays.fill(params.data(), head.at(), head.end(), 0f);
    OlmoModel model = new OlmoModel(tiny(), params);
    List<Sequence> seqs = new ArrayList<>();
    int[][] labels = {{12}, {13, 14}, {15, 12, 13}};
    int[] gold = new int[6];
    List<int[]> ctxs = inputs(6, gold, 9);
    for (int[] ctx : ctxs) for (int[] label : labels) seqs.add(Sequence.of(ctx, label, CONTEXT));
    List<Score> scores = new SequenceScorer(model::targetLogProbs, PAD, 4).score(seqs);
    List<double[]> perClass = new ArrayList<>();
    for (int e = 0; e < ctxs.size(); e++) {
      double[] s = new double[3];
      for (int c = 0; c < 3; c++) {
        s[c] = scores.get(3 * e + c).meanLogProb();
        assertEquals(-Math.log(VOCAB), s[c], 1e-5);
      }
      perClass.add(s);
    }
    assertEquals(3.0, ClassificationMetrics.of(perClass, gold).classPerplexity(), 1e-4);
  }

  @Test
  void promptTokensGetNoGradient() {
    Parameters params = OlmoModel.initialize(tiny(), 11);
    OlmoModel model = new OlmoModel(tiny(), params);
    int[] context = {3, 4, 5, 6, 7};
    int[] answer = {12, 13};
    Batch collated = Batch.of(List.of(Sequence.of(context, answer, CONTEXT)), PAD);
    float[] g = new float[params.size()];
    double loss = model.forwardBackward(
        collated.tokens(), collated.targets(), collated.batch(), collated.seqLen(), g);

    // The same input written by hand with only the answer positions as targets: the collated
    // batch must give exactly its loss and gradient.
    int[] tokens = {3, 4, 5, 6, 7, 12};
    int[] all = {4, 5, 6, 7, 12, 13};
    int[] answerOnly = {-1, -1, -1, -1, 12, 13};
    assertArrayEquals(tokens, collated.tokens());
    float[] gAnswer = new float[params.size()];
    double lossAnswer = model.forwardBackward(tokens, answerOnly, 1, 6, gAnswer);
    assertEquals(lossAnswer, loss);
    assertArrayEquals(gAnswer, g);

    // Giving the prompt positions targets changes the gradient, so the equality above is not
    // vacuous: the collated batch carries none of it.
    float[] gAll = new float[params.size()];
    model.forwardBackward(tokens, all, 1, 6, gAll);
    assertFalse(Arrays.equals(gAll, g), "unmasked prompt targets must change the gradient");
  }

  @Test
  void sameSeedSameBits() {
    int[] gold = new int[32];
    List<int[]> train = inputs(32, gold, 4);
    List<Sequence> data = new ArrayList<>();
    for (int e = 0; e < train.size(); e++) {
      data.add(Sequence.of(train.get(e), new int[] {LABEL + gold[e]}, CONTEXT));
    }
    FineTuneConfig config = new FineTuneConfig(3e-3, 1, 8, new ScheduleConfig("linear", 0, 0.0, 0.2), new OptimConfig(0.1, 1.0), 0.5, 42);
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      Parameters params = OlmoModel.initialize(tiny(), 7);
      FineTuner.train(new OlmoModel(tiny(), params), params, data, PAD, config, step -> {});
      results[run] = params.data();
    }
    assertArrayEquals(results[0], results[1]);
  }

  @Test
  void l2ToInitKeepsTheWeightsCloserToTheStart() {
    int[] gold = new int[64];
    List<int[]> train = inputs(64, gold, 6);
    List<Sequence> data = new ArrayList<>();
    for (int e = 0; e < train.size(); e++) {
      data.add(Sequence.of(train.get(e), new int[] {LABEL + gold[e]}, CONTEXT));
    }
    float[] start = OlmoModel.initialize(tiny(), 7).data();
    double[] distance = new double[2];
    double[] lambdas = {0.0, 50.0};
    for (int i = 0; i < 2; i++) {
      FineTuneConfig config =
          new FineTuneConfig(1e-2, 2, 8, new ScheduleConfig("constant", 0, 0.0, 0.2), new OptimConfig(0.0, 0.0), lambdas[i], 1);
      Parameters params = OlmoModel.initialize(tiny(), 7);
      FineTuner.train(new OlmoModel(tiny(), params), params, data, PAD, config, step -> {});
      for (int k = 0; k < start.length; k++) {
        double d = params.data()[k] - start[k];
        distance[i] += d * d;
      }
    }
    assertTrue(distance[1] < distance[0],
        "distance from the start with the pull " + distance[1] + " vs without " + distance[0]);
  }
}
