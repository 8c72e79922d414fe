package overtrain.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.eval.TaskEvaluator;
import overtrain.eval.TokenLoss;
import overtrain.io.AtomicWrite;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameters;
import overtrain.tasks.Example;
import overtrain.tasks.Task;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.metrics.LossMetrics;
import overtrain.tokenizer.Tokenizer;

/**
 * A learning-rate sweep over one task from one checkpoint. Writes into its output folder the
 * chosen run's checkpoint with its tokenizer ({@code model/}), every step and every validation
 * of every run
 * ({@code metrics.jsonl}), and {@link SweepResult} ({@code result.json}).
 */
public final class Sweep {
  public static final String MODEL_DIR = "model";
  public static final String METRICS = "metrics.jsonl";
  public static final String RESULT = "result.json";
  public static final String TOKENIZER = "tokenizer.json";
  /** How the phase of training at one rate begins its name ({@link Monitor#begin}); its units are steps. */
  public static final String TRAINING_PHASE = "fine-tuning at lr ";

  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * What a sweep starts from.
   *
   * @param modelDir the checkpoint's folder (recorded in the result)
   * @param config the checkpoint's model
   * @param start the checkpoint's weights; left unchanged
   * @param tokenizer the tokenizer the checkpoint was pre-trained with
   * @param tokenizerSource its file or name (recorded)
   * @param task the task with train, validation and test splits
   * @param heldout held-out pre-training tokens; null to skip the forgetting measure
   */
  public record Inputs(Path modelDir, ModelConfig config, Parameters start, Tokenizer tokenizer,
      String tokenizerSource, Task task, TokenFile heldout) {}

  private final Inputs in;
  private final SweepConfig config;
  private final Monitor monitor;
  private final CandidateEncoder encoder;

  public Sweep(Inputs inputs, SweepConfig config, Monitor monitor) {
    inputs.config().requireVocabulary(inputs.tokenizer().vocabSize(), "tokenizer " + inputs.tokenizerSource(),
        inputs.modelDir());
    this.in = inputs;
    this.config = config;
    this.monitor = monitor;
    this.encoder = new CandidateEncoder(inputs.tokenizer(), inputs.config().maxContext());
  }

  /**
   * Makes {@code out} ready before any work: refuses to replace an earlier fine-tuning's
   * results unless {@code overwrite}, and checks the folder can be written.
   */
  public static void prepareOutput(Path out, boolean overwrite) throws IOException {
    if (!overwrite && (Files.exists(out.resolve(RESULT)) || Files.exists(out.resolve(MODEL_DIR)))) {
      throw new IOException(out + ": holds the results of an earlier fine-tuning (" + RESULT
          + "); choose another --out, or add --overwrite to replace them");
    }
    Files.createDirectories(out);
    if (!Files.isWritable(out)) throw new IOException(out + ": permission denied (cannot write results there)");
  }

  /**
   * What a sweep holds at once: what training needs ({@link OlmoModel#trainingMemory}), plus,
   * under weights, the checkpoint's own (every rate starts from them), the best earlier rate's
   * when there are several rates, and the pull's anchor when {@code l2_to_init} is set.
   */
  public static OlmoModel.Memory memory(ModelConfig model, SweepConfig config) {
    OlmoModel.Memory t = OlmoModel.trainingMemory(model, config.batch(), model.maxContext());
    int copies = 2 + (config.lr().size() > 1 ? 1 : 0) + (config.l2ToInit() > 0 ? 1 : 0);
    return new OlmoModel.Memory(t.weights() * copies, t.gradients(), t.adamMoments(), t.activations(), t.workspace());
  }

  /**
   * Refuses, before the checkpoint is read, a sweep this JVM cannot hold, saying what it needs
   * and what there is: the max heap, and the machine's memory where that is short too.
   */
  public static void checkFits(ModelConfig model, SweepConfig config) {
    OlmoModel.Memory need = memory(model, config);
    long heap = Runtime.getRuntime().maxMemory();
    if (need.total() > heap) {
      long machine = machineMemory();
      String remedy = machine > 0 && need.total() > machine
          ? "; this machine has " + gib(machine) + " in all, so fine-tune on a larger one"
          : "; raise -Xmx (OVERTRAIN_JAVA_OPTS=-Xmx" + (need.total() / (1L << 30) + 2) + "g)";
      int copies = (int) (need.weights() / need.gradients());
      throw new IllegalArgumentException(String.format("fine-tuning this %,d-parameter model at batch %d x context"
          + " %d with %d rate(s) needs %s (weights %s: %d copies, the checkpoint's, the run's and any"
          + " kept for the best rate or the L2 pull; gradients %s; Adam moments %s; activations %s),"
          + " but the JVM's max heap is %s%s, or lower the batch",
          OlmoModel.parameterCount(model), config.batch(), model.maxContext(), config.lr().size(),
          gib(need.total()), gib(need.weights()), copies, gib(need.gradients()), gib(need.adamMoments()),
          gib(need.activations() + need.workspace()), gib(heap), remedy));
    }
    OlmoModel.checkFits(model, config.batch(), model.maxContext(), "finetune");
  }

  private static long machineMemory() {
    try {
      return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean()).getTotalMemorySize();
    } catch (RuntimeException | LinkageError e) {
      return 0;
    }
  }

  private static String gib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }

  /** Runs every learning rate, writes the outputs into {@code out}, returns the result. */
  public SweepResult run(Path out) throws IOException {
    checkFits(in.config(), config);
    Files.createDirectories(out);
    List<Example> train = limit(in.task().examples("train"), config.maxTrainExamples());
    List<Example> validation = limit(in.task().examples("validation"), config.eval().maxExamples());
    List<Example> test = limit(in.task().examples("test"), config.eval().maxExamples());
    monitor.begin("tokenising " + train.size() + " training examples", train.size());
    List<Sequence> trainSequences = new ArrayList<>(train.size());
    int truncated = 0;
    for (int i = 0; i < train.size(); i++) {
      List<Sequence> windows;
      try {
        windows = encoder.encode(train.get(i).target());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            in.task().file("train") + ": example " + (i + 1) + ": " + e.getMessage(), e);
      }
      trainSequences.addAll(windows);
      if (windows.get(0).truncated() > 0) truncated++;
      monitor.advance(1);
    }
    monitor.end(truncated + " of " + train.size() + " inputs cut on the left to fit "
        + in.config().maxContext() + " tokens; " + trainSequences.size() + " sequences");

    // scoring reads the weights only: the checkpoint's own serve
    OlmoModel base = new OlmoModel(in.config(), in.start());
    SweepResult.Scores before = new SweepResult.Scores(
        evaluate(base, "validation", validation), evaluate(base, "test", test), heldout(base));

    List<SweepResult.Run> runs = new ArrayList<>();
    Parameters best = null;
    SweepResult.Run bestRun = null;
    try (BufferedWriter metrics = Files.newBufferedWriter(out.resolve(METRICS), StandardCharsets.UTF_8)) {
      for (double lr : config.lr()) {
        FineTuneConfig runConfig = config.run(lr);
        Parameters params = in.start().copy();
        OlmoModel model = new OlmoModel(in.config(), params);
        long total = FineTuner.totalSteps(trainSequences.size(), runConfig);
        monitor.begin(TRAINING_PHASE + lr, total);
        double[] epochLoss = new double[runConfig.epochs()];
        long[] epochSteps = new long[runConfig.epochs()];
        IOException[] failure = new IOException[1];
        FineTuner.train(model, params, trainSequences, in.tokenizer().padding(), runConfig, step -> {
          epochLoss[step.epoch()] += step.loss();
          epochSteps[step.epoch()]++;
          log(metrics, stepLine(lr, step), failure);
          monitor.advance(1);
        });
        if (failure[0] != null) throw failure[0];
        int last = runConfig.epochs() - 1;
        double finalLoss = epochLoss[last] / epochSteps[last];
        monitor.end(String.format("final epoch's training loss %.4f", finalLoss));
        SweepResult.Run run = new SweepResult.Run(lr, total, finalLoss,
            evaluate(model, "validation", validation),
            config.eval().testEveryRate() ? evaluate(model, "test", test) : null, heldout(model));
        ObjectNode line = JSON.valueToTree(run);
        line.put("event", "validation");
        metrics.write(JSON.writeValueAsString(line));
        metrics.newLine();
        metrics.flush();
        runs.add(run);
        // Ties keep the earlier rate, so the choice does not depend on anything but the scores.
        if (bestRun == null || run.validation().metrics().selectionLoss()
            < bestRun.validation().metrics().selectionLoss()) {
          bestRun = run;
          best = params;
        }
      }
    }
    OlmoModel chosen = new OlmoModel(in.config(), best);
    SweepResult.Scores after =
        new SweepResult.Scores(bestRun.validation(), evaluate(chosen, "test", test), bestRun.heldout());
    Checkpoint.save(out.resolve(MODEL_DIR), in.config(), best);
    // Beside the weights, so that evaluating the fine-tuned model needs no --tokenizer.
    in.tokenizer().save(out.resolve(MODEL_DIR).resolve(TOKENIZER));
    SweepResult result = new SweepResult(in.task().name(), in.task().spec().type(),
        in.modelDir().toString(), in.tokenizerSource(),
        in.heldout() == null ? null : in.heldout().file().toString(), config, train.size(),
        truncated, before, runs, bestRun.lr(), after);
    AtomicWrite.writeString(out.resolve(RESULT), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    return result;
  }

  private TaskEvaluation evaluate(OlmoModel model, String split, List<Example> examples) {
    TaskEvaluator evaluator = new TaskEvaluator(model::targetLogProbs, encoder, config.eval().batch());
    TaskEvaluation e = evaluator.evaluate(in.task().spec().type(), examples,
        new TaskEvaluator.Listener() {
          @Override
          public void begin(int sequences) {
            monitor.begin("scoring " + split, sequences);
          }

          @Override
          public void scored(int sequences) {
            monitor.advance(sequences);
          }
        });
    monitor.end(split + ": " + e.metrics().summary());
    return e;
  }

  private LossMetrics heldout(OlmoModel model) {
    if (in.heldout() == null) return null;
    int context = in.config().maxContext();
    monitor.begin("held-out pre-training loss (tokens)",
        TokenLoss.tokensScored(in.heldout(), context, config.eval().heldoutTokens()));
    long[] reported = {0};
    TokenLoss.Result r = TokenLoss.evaluate(model, in.heldout(), context, config.eval().batch(),
        config.eval().heldoutTokens(), (done, total) -> {
          monitor.advance(done - reported[0]);
          reported[0] = done;
        });
    monitor.end(String.format("held-out loss %.4f over %d tokens", r.loss(), r.tokens()));
    return new LossMetrics(r.tokens(), r.loss(), r.perplexity());
  }

  private static ObjectNode stepLine(double lr, FineTuner.Logged step) {
    ObjectNode line = JSON.createObjectNode();
    line.put("event", "step");
    line.put("peak_lr", lr);
    line.put("step", step.step());
    line.put("epoch", step.epoch());
    line.put("loss", step.loss());
    line.put("lr", step.lr());
    line.put("grad_norm", step.gradNorm());
    line.put("target_tokens", step.targetTokens());
    return line;
  }

  private static void log(BufferedWriter w, ObjectNode line, IOException[] failure) {
    if (failure[0] != null) return;
    try {
      w.write(JSON.writeValueAsString(line));
      w.newLine();
    } catch (IOException e) {
      failure[0] = e;
    }
  }

  private static <T> List<T> limit(List<T> list, int max) {
    return max > 0 && list.size() > max ? list.subList(0, max) : list;
  }

}
