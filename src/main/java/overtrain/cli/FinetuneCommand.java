package overtrain.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.HfConfig;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.finetune.Monitor;
import overtrain.finetune.Sweep;
import overtrain.finetune.SweepConfig;
import overtrain.finetune.SweepResult;
import overtrain.tasks.Task;
import overtrain.tokenizer.Tokenizer;
import overtrain.tokenizer.TokenizerSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

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

  @Mixin SharedOptions.Model modelOption;

  @Option(names = "--task", required = true, paramLabel = "TASK",
      description = "Task folder or spec file, or a task name under --tasks-dir.")
  String task;

  @Mixin SharedOptions.Tasks tasks;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--overwrite",
      description = "Replace the results of an earlier fine-tuning in --out (refused without it).")
  boolean overwrite;

  @Option(names = "--heldout-tokens", paramLabel = "FILE.npy",
      description = "Held-out pre-training tokens: their loss before and after is the forgetting measure.")
  Path heldoutTokens;

  @Mixin ConfigFlags.Mixin configFlags;

  @ConfigFlags.Key("lr")
  @Option(names = "--lr", split = ",", paramLabel = "LR",
      description = "Peak learning rate; several (comma-separated or repeated) make a sweep (required).")
  List<Double> lrs;

  @ConfigFlags.Key("epochs")
  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training split (default ${DEFAULT-VALUE}).")
  Integer epochs;

  @ConfigFlags.Key("batch")
  @Option(names = "--batch", paramLabel = "N", description = "Examples per step (default ${DEFAULT-VALUE}).")
  Integer batch;

  @ConfigFlags.Key("schedule.name")
  @Option(names = "--schedule", paramLabel = "NAME",
      description = "cosine or linear (both to zero at the last step), wsd or constant (schedule.name; default ${DEFAULT-VALUE}).")
  String schedule;

  @ConfigFlags.Key("schedule.warmup_fraction")
  @Option(names = "--warmup-fraction", paramLabel = "F",
      description = "Fraction of the steps warming the rate up linearly (schedule.warmup_fraction; default ${DEFAULT-VALUE}).")
  Double warmupFraction;

  @ConfigFlags.Key("schedule.warmup_steps")
  @Option(names = "--warmup-steps", paramLabel = "N",
      description = "Or a number of warmup steps (schedule.warmup_steps; needs --warmup-fraction 0).")
  Long warmupSteps;

  @ConfigFlags.Key("optim.weight_decay")
  @Option(names = "--weight-decay", paramLabel = "W",
      description = "AdamW decoupled weight decay, not on embeddings (optim.weight_decay; default ${DEFAULT-VALUE}).")
  Double weightDecay;

  @ConfigFlags.Key("optim.clip")
  @Option(names = "--clip", paramLabel = "NORM",
      description = "Global gradient-norm clipping, 0 for none (optim.clip; default ${DEFAULT-VALUE}).")
  Double clip;

  @ConfigFlags.Key("l2_to_init")
  @Option(names = "--l2-to-init", paramLabel = "LAMBDA",
      description = "Adds LAMBDA/2 * ||theta - theta_pretrained||^2 to the loss (default ${DEFAULT-VALUE}).")
  Double l2ToInit;

  @ConfigFlags.Key("seed")
  @Option(names = "--seed", paramLabel = "N", description = "Shuffling seed (default ${DEFAULT-VALUE}).")
  Long seed;

  @ConfigFlags.Key("max_train_examples")
  @Option(names = "--max-train-examples", paramLabel = "N",
      description = "Train on the first N examples only; 0 for all (default ${DEFAULT-VALUE}).")
  Integer maxTrain;

  @ConfigFlags.Key("eval.batch")
  @Option(names = "--eval-batch", paramLabel = "N",
      description = "Sequences per forward pass when scoring (eval.batch; default ${DEFAULT-VALUE}).")
  Integer evalBatch;

  @ConfigFlags.Key("eval.max_examples")
  @Option(names = "--max-eval-examples", paramLabel = "N",
      description = "Score the first N validation and test examples only; 0 for all (eval.max_examples; default ${DEFAULT-VALUE}).")
  Integer maxEval;

  @ConfigFlags.Key("eval.heldout_tokens")
  @Option(names = "--heldout-max-tokens", paramLabel = "N",
      description = "Held-out predictions scored per measurement (eval.heldout_tokens; default ${DEFAULT-VALUE}).")
  Long heldoutMaxTokens;

  @ConfigFlags.Key("eval.test_every_rate")
  @Option(names = "--test-every-rate", arity = "0..1", paramLabel = "true|false",
      description = "Score every rate's model on the test split, not only the chosen one (eval.test_every_rate; default ${DEFAULT-VALUE}).")
  Boolean testEveryRate;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print result.json to stdout instead of a summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SweepConfig sweep = SweepConfig.load(ConfigFlags.layers(spec, configFlags));
    Path config = modelOption.dir.resolve(Checkpoint.CONFIG);
    // said before anything is written or a large model read: what the sweep needs, and refused
    // where it does not fit
    if (Files.isRegularFile(config)) Sweep.checkFits(HfConfig.read(config), sweep);
    Sweep.prepareOutput(out, overwrite);
    Checkpoint.Loaded loaded = Loading.checkpoint(modelOption.dir);
    String tokenizerSource = TokenizerSource.resolve(tasks.tokenizer, modelOption.dir);
    Tokenizer tok = Tokenizer.loadOrNamed(tokenizerSource);
    TokenFile heldout = heldoutTokens == null
        ? null : TokenFile.open(heldoutTokens, loaded.config().vocabSize());
    Sweep.Inputs inputs = new Sweep.Inputs(modelOption.dir, loaded.config(), loaded.params(), tok,
        tokenizerSource, Task.resolve(task, tasks.dir), heldout);
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
