package overtrain.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.finetune.FineTuneConfig;
import overtrain.finetune.Monitor;
import overtrain.finetune.Sweep;
import overtrain.finetune.SweepConfig;
import overtrain.finetune.SweepResult;
import overtrain.tasks.Task;
import overtrain.tokenizer.Tokenizer;
import overtrain.tokenizer.TokenizerSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overtrain finetune}: fine-tune a checkpoint on a task, one run per learning rate. */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune a pre-trained checkpoint on a task (full-parameter AdamW, the checkpoint's muP"
          + " learning-rate scales kept) and measure what it gains and what it forgets.",
      "Several --lr values make a sweep: every run starts from the same checkpoint, the best"
          + " on the validation split is kept and only it is scored on the test split.",
      "Writes OUT/model/ (the chosen checkpoint), OUT/metrics.jsonl and OUT/result.json (task"
          + " metrics and held-out pre-training loss before and after)."
    })
public final class FinetuneCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Pre-trained checkpoint folder, ours or a Hugging Face OLMo one (config.json + "
          + "model.safetensors, or its shards; float32, bfloat16 or float16).")
  Path model;

  @Option(names = "--task", required = true, paramLabel = "TASK",
      description = "Task folder or spec file, or a task name under --tasks-dir.")
  String task;

  @Option(names = "--tasks-dir", paramLabel = "DIR", defaultValue = "data/tasks",
      description = "Where task names are looked up (default: ${DEFAULT-VALUE}).")
  Path tasksDir;

  @Option(names = "--tokenizer", paramLabel = "FILE|NAME",
      description = "tokenizer.json or a built-in name (r50k_base, cl100k_base); default:"
          + " tokenizer.json in the model folder.")
  String tokenizer;

  @Option(names = "--lr", required = true, split = ",", paramLabel = "LR",
      description = "Peak learning rate; repeat or separate with commas for a sweep.")
  List<Double> lrs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
      description = "Passes over the training split (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "16",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--warmup", paramLabel = "FRACTION", defaultValue = "0.06",
      description = "Fraction of the steps warming the rate up linearly (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "cosine",
      description = "cosine or linear (both to zero at the last step), or constant (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0.0",
      description = "AdamW decoupled weight decay, not on embeddings (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--l2-to-init", defaultValue = "0.0", paramLabel = "LAMBDA",
      description = "Adds LAMBDA/2 * ||theta - theta_pretrained||^2 to the loss (default: ${DEFAULT-VALUE}).")
  double l2ToInit;

  @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0",
      description = "Global gradient-norm clipping, 0 for none (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Shuffling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--heldout-tokens", paramLabel = "FILE.npy",
      description = "Held-out pre-training tokens: their loss before and after is the forgetting measure.")
  Path heldoutTokens;

  @Option(names = "--heldout-max-tokens", paramLabel = "N", defaultValue = "65536",
      description = "Predictions scored on the held-out file per measurement (default: ${DEFAULT-VALUE}).")
  long heldoutMaxTokens;

  @Option(names = "--eval-batch", paramLabel = "N", defaultValue = "16",
      description = "Sequences per forward pass when scoring (default: ${DEFAULT-VALUE}).")
  int evalBatch;

  @Option(names = "--max-train-examples", paramLabel = "N", defaultValue = "0",
      description = "Train on the first N examples only; 0 for all (default: ${DEFAULT-VALUE}).")
  int maxTrain;

  @Option(names = "--max-eval-examples", paramLabel = "N", defaultValue = "0",
      description = "Score the first N validation and test examples only; 0 for all (default: ${DEFAULT-VALUE}).")
  int maxEval;

  @Option(names = "--json", description = "Print result.json to stdout instead of a summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    FineTuneConfig run = new FineTuneConfig(
        lrs.get(0), epochs, batch, warmup, schedule, weightDecay, l2ToInit, clip, seed);
    SweepConfig sweep = new SweepConfig(lrs, run, evalBatch, maxTrain, maxEval, heldoutMaxTokens);
    Checkpoint.Loaded loaded = Checkpoint.load(model);
    String tokenizerSource = TokenizerSource.resolve(tokenizer, model);
    Tokenizer tok = Tokenizer.loadOrNamed(tokenizerSource);
    TokenFile heldout = heldoutTokens == null
        ? null : TokenFile.open(heldoutTokens, loaded.config().vocabSize());
    Sweep.Inputs inputs = new Sweep.Inputs(model, loaded.config(), loaded.params(), tok,
        tokenizerSource, Task.resolve(task, tasksDir), heldout);
    SweepResult result = new Sweep(inputs, sweep, new BarMonitor()).run(out);
    if (json) {
      System.out.println(Files.readString(out.resolve(Sweep.RESULT)).strip());
    } else {
      printSummary(result);
    }
    return 0;
  }

  private void printSummary(SweepResult r) {
    System.out.printf(Locale.ROOT, "task %s (%s), %d training examples, best lr %g%n",
        r.task(), r.type().key(), r.trainExamples(), r.bestLr());
    for (SweepResult.Run run : r.runs()) {
      System.out.printf(Locale.ROOT, "  lr %-10g validation %s%s%n", run.lr(),
          run.validation().metrics().summary(),
          run.heldout() == null
              ? "" : String.format(Locale.ROOT, "  held-out loss %.4f", run.heldout().loss()));
    }
    row("validation", r.before().validation(), r.after().validation());
    row("test", r.before().test(), r.after().test());
    if (r.before().heldout() != null) {
      System.out.printf(Locale.ROOT, "held-out pre-training loss: %.4f -> %.4f (perplexity %.2f -> %.2f)%n",
          r.before().heldout().loss(), r.after().heldout().loss(),
          r.before().heldout().perplexity(), r.after().heldout().perplexity());
    }
    System.out.println("wrote " + out.resolve(Sweep.RESULT));
  }

  private static void row(String split, TaskEvaluation before, TaskEvaluation after) {
    System.out.println(split + " before: " + before.metrics().summary());
    System.out.println(split + " after:  " + after.metrics().summary());
  }

  /** Draws each phase of the sweep as its own progress bar, ended by its summary. */
  private static final class BarMonitor implements Monitor {
    private Progress bar;

    @Override
    public void begin(String phase, long total) {
      bar = new Progress(phase, total);
    }

    @Override
    public void advance(long units) {
      bar.advance(units);
    }

    @Override
    public void end(String summary) {
      bar.finish(summary);
    }
  }
}
