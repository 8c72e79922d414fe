package overtrain.multimodal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import overtrain.data.TokenFile;
import overtrain.eval.TokenLoss;
import overtrain.finetune.FineTuneConfig;
import overtrain.finetune.FineTuner;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.vision.ImageExample;
import overtrain.tasks.vision.ImageTask;
import overtrain.tokenizer.Tokenizer;
import overtrain.train.Step;

/**
 * LLaVA's two stages on an image task folder, with the measurements after each: stage 1 trains
 * the projector alone on the captions (the language model is not in the optimiser, so its
 * weights keep every bit); stage 2 trains projector and model together on the instructions,
 * loss on the answers only. Before stage 1, after it and after stage 2 it measures the kind
 * accuracy on held-out images (the choice of highest mean log-probability per answer token,
 * as classification is scored) and the held-out pre-training loss, the forgetting measure.
 * Every record is read, every image decoded and every sequence encoded before the first step.
 */
public final class MultimodalTuner {

  /** What a run starts from: a checkpoint, its tokenizer, the task folder, held-out tokens (null: none). */
  public record Inputs(ModelConfig config, Parameters lm, Tokenizer tokenizer, Path taskDir, TokenFile heldout) {}

  /** One logged optimiser step. */
  public record Logged(String stage, long step, long totalSteps, double loss, double lr, double gradNorm) {}

  /** Hears every step. */
  @FunctionalInterface
  public interface Listener {
    void step(Logged step);
  }

  /** The encoder as fitted: its shape, the variance it keeps, and a nearest-centroid reading of its features. */
  public record EncoderInfo(int patch, int dims, int visualTokens, int fittedOnImages, double varianceExplained,
      double nearestCentroidAccuracy) {}

  /** A measurement point: kind accuracy over the test images, held-out loss (null without held-out tokens). */
  public record Measure(double kindAccuracy, int testExamples, Double heldoutLoss) {}

  /** A stage: its steps, the mean loss of its last tenth of steps, and the measurement after it. */
  public record StageResult(long steps, int examples, double finalLoss, Measure after) {}

  /** Everything a run measured. */
  public record Result(EncoderInfo encoder, Measure before, StageResult stage1, StageResult stage2,
      boolean stage1KeptModelBits, MultimodalConfig config) {}

  /** The trained weights, for saving: the language model and the projector. */
  public record Trained(Parameters lm, Parameters projector) {}

  private final Inputs in;
  private final MultimodalConfig cfg;
  private final Listener listener;
  private Trained trained;

  public MultimodalTuner(Inputs in, MultimodalConfig cfg, Listener listener) {
    this.in = in;
    this.cfg = cfg;
    this.listener = listener;
  }

  /** The weights after {@link #run}. */
  public Trained trained() {
    return trained;
  }

  public Result run() throws IOException {
    Path dir = in.taskDir();
    List<ImageExample> caption = ImageTask.read(dir, "caption", cfg.stage1().maxExamples());
    List<ImageExample> train = ImageTask.read(dir, "train", cfg.stage2().maxExamples());
    List<ImageExample> test = ImageTask.read(dir, "test", cfg.eval().maxExamples());
    for (ImageExample e : test) {
      if (e.choices().isEmpty()) {
        throw new IOException(e.source() + ": field 'choices': missing; every test record needs its answer's choices to be scored");
      }
    }
    // one image size for the whole task, named where it is broken before the encoder is fitted
    ImageExample first = caption.isEmpty() ? train.get(0) : caption.get(0);
    for (List<ImageExample> split : List.of(caption, train, test)) {
      for (ImageExample e : split) {
        if (e.image().width() != first.image().width() || e.image().height() != first.image().height()) {
          throw new IOException(e.source() + ": field 'image': " + e.imageFile() + " is " + e.image().width() + "x"
              + e.image().height() + ", but " + first.source() + "'s is " + first.image().width() + "x"
              + first.image().height() + "; every image of a task must have one size");
        }
      }
    }
    PatchEncoder encoder = VisualFeatures.encoder(dir, cfg.encoder().patch(), cfg.encoder().dims(), caption, train);
    float[][] fCaption = VisualFeatures.features(dir, encoder, "caption", caption);
    float[][] fTrain = VisualFeatures.features(dir, encoder, "train", train);
    float[][] fTest = VisualFeatures.features(dir, encoder, "test", test);
    int visual = encoder.tokens(), dims = encoder.dims();
    ModelConfig config = in.config();
    if (visual >= config.maxContext()) {
      throw new IllegalArgumentException(visual + " visual tokens leave no room for text in a context of " + config.maxContext());
    }
    CandidateEncoder text = new CandidateEncoder(in.tokenizer(), config.maxContext() - visual);
    List<Sequence> sCaption = sequences(text, caption, visual), sTrain = sequences(text, train, visual);
    List<List<Sequence>> sTest = new ArrayList<>();
    for (ImageExample e : test) {
      List<Sequence> choices = new ArrayList<>();
      for (String c : e.choices()) choices.add(VisualBatch.sequence(text, new VisualBatch.Text(e.prompt(), c), visual, e.source()));
      sTest.add(choices);
    }
    EncoderInfo info = new EncoderInfo(encoder.patch(), dims, visual, encoder.fittedOn(), encoder.varianceExplained(),
        nearestCentroid(test, fTest));

    // stage 1: the projector alone; the model reads its own buffer and is not in the optimiser
    Parameters lm = in.lm();
    float[] lmBefore = lm.data().clone();
    Parameters projector = VisionLanguageModel.initProjector(dims, config.hiddenSize(), cfg.seed());
    VisionLanguageModel vlm1 = new VisionLanguageModel(new OlmoModel(config, lm), projector.data(), 0, dims, visual);
    Measure before = measure(vlm1, sTest, fTest, test);
    float[] lmScratch = new float[lm.size()];
    long[] steps1 = {0};
    double loss1 = train("stage1", projector, cfg.stage1().run(cfg.seed()), sCaption, fCaption, visual, dims,
        batch -> {
          Arrays.fill(lmScratch, 0f); // the model's gradient is computed on the way to the projector's, then dropped
          return g -> vlm1.forwardBackward(batch, lmScratch, g, 0);
        }, steps1);
    boolean kept = Arrays.equals(lmBefore, lm.data());
    StageResult stage1 = new StageResult(steps1[0], caption.size(), loss1, measure(vlm1, sTest, fTest, test));

    // stage 2: one buffer, model then projector, one optimiser for both
    Parameters joint = VisionLanguageModel.joint(lm, projector);
    VisionLanguageModel vlm2 = new VisionLanguageModel(new OlmoModel(config, joint), joint.data(), lm.size(), dims, visual);
    long[] steps2 = {0};
    double loss2 = train("stage2", joint, cfg.stage2().run(cfg.seed() + 1), sTrain, fTrain, visual, dims,
        batch -> g -> vlm2.forwardBackward(batch, g, g, lm.size()), steps2);
    StageResult stage2 = new StageResult(steps2[0], train.size(), loss2, measure(vlm2, sTest, fTest, test));
    Parameters projectorAfter = new Parameters(projector.specs(),
        Arrays.copyOfRange(joint.data(), lm.size(), joint.size()));
    trained = new Trained(VisionLanguageModel.languageModel(joint, config), projectorAfter);
    return new Result(info, before, stage1, stage2, kept, cfg);
  }

  /** Makes a batch's objective. */
  @FunctionalInterface
  private interface Objectives {
    Step.Objective of(VisualBatch batch);
  }

  /** The fine-tuning loop's order (a seeded shuffle per epoch) over the one step; returns the last tenth's mean loss. */
  private double train(String stage, Parameters params, FineTuneConfig c, List<Sequence> data, float[][] features,
      int visual, int dims, Objectives objectives, long[] stepsOut) {
    if (data.isEmpty()) throw new IllegalArgumentException(stage + ": no training examples");
    long total = FineTuner.totalSteps(data.size(), c);
    Step step = new Step(params, new AdamW(params.specs(), c.optim().weightDecay()), c.schedule().build(c.lr(), total),
        c.optim().clip(), null, 0);
    SplittableRandom random = new SplittableRandom(c.seed());
    int[] order = new int[data.size()];
    long tail = Math.max(1, total / 10);
    double tailSum = 0;
    for (int epoch = 0; epoch < c.epochs(); epoch++) {
      for (int i = 0; i < order.length; i++) order[i] = i;
      FineTuner.shuffle(order, random);
      for (int from = 0; from < order.length; from += c.batch()) {
        int to = Math.min(order.length, from + c.batch());
        List<Sequence> seqs = new ArrayList<>();
        List<float[]> feats = new ArrayList<>();
        for (int k = from; k < to; k++) {
          seqs.add(data.get(order[k]));
          feats.add(features[order[k]]);
        }
        VisualBatch batch = VisualBatch.of(seqs, feats, visual, dims, in.tokenizer().padding());
        Step.Result r = step.run(objectives.of(batch));
        if (r.step() > total - tail) tailSum += r.loss();
        listener.step(new Logged(stage, r.step(), total, r.loss(), r.lr(), r.gradNorm()));
      }
    }
    stepsOut[0] = step.steps();
    return tailSum / tail;
  }

  private Measure measure(VisionLanguageModel vlm, List<List<Sequence>> test, float[][] features, List<ImageExample> examples) {
    double acc = KindScorer.accuracy(vlm, test, features, examples, cfg.eval().batch(), in.tokenizer().padding());
    Double heldout = null;
    if (in.heldout() != null) {
      int context = in.config().maxContext();
      heldout = TokenLoss.evaluate(vlm.model(), in.heldout(), context, cfg.eval().batch(), cfg.eval().heldoutTokens()).loss();
    }
    return new Measure(acc, examples.size(), heldout);
  }

  private static List<Sequence> sequences(CandidateEncoder text, List<ImageExample> examples, int visual) {
    List<Sequence> out = new ArrayList<>();
    for (ImageExample e : examples) {
      out.add(VisualBatch.sequence(text, new VisualBatch.Text(e.prompt(), e.answer()), visual, e.source()));
    }
    return out;
  }

  /**
   * How much of the answer the frozen features carry by themselves: class means of the first
   * half of the test records' features, accuracy of the nearest mean on the second half.
   */
  static double nearestCentroid(List<ImageExample> test, float[][] f) {
    int half = test.size() / 2, classes = test.get(0).choices().size(), n = f[0].length;
    double[][] mean = new double[classes][n];
    int[] count = new int[classes];
    for (int i = 0; i < half; i++) {
      int g = test.get(i).gold();
      if (g >= classes) continue;
      count[g]++;
      for (int j = 0; j < n; j++) mean[g][j] += f[i][j];
    }
    for (int c = 0; c < classes; c++) for (int j = 0; j < n; j++) mean[c][j] /= Math.max(1, count[c]);
    int right = 0, scored = 0;
    for (int i = half; i < test.size(); i++) {
      int best = -1;
      double bestD = Double.POSITIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        if (count[c] == 0) continue;
        double dist = 0;
        for (int j = 0; j < n; j++) dist += (f[i][j] - mean[c][j]) * (f[i][j] - mean[c][j]);
        if (dist < bestD) {
          bestD = dist;
          best = c;
        }
      }
      scored++;
      if (best == test.get(i).gold()) right++;
    }
    return scored == 0 ? Double.NaN : (double) right / scored;
  }
}
