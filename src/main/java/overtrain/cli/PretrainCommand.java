package overtrain.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import overtrain.train.TrainConfig;
import overtrain.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code overtrain pretrain}: one run from a YAML config, any key overridable by its flag. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pre-train an OLMo-architecture model on a token file to a token budget.",
      "Settings come from --config (YAML whose keys are the flag names below), then flags, then defaults.",
      "Writes OUT/config.yaml (as used), OUT/metrics.jsonl (one line per step) and resumable",
      "checkpoints OUT/checkpoints/step-NNNNNNNN/ (Hugging Face OLMo directories).",
      "A run whose OUT already holds a checkpoint of the same config continues from the latest one."
    },
    sortOptions = false)
public final class PretrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE.yaml", description = "YAML run config")
  Path config;

  @Option(names = "--resume", description = "require a checkpoint in --out to continue from (default: continue when one is there)")
  boolean resume;

  @Option(names = "--train-tokens", paramLabel = "FILE.npy", description = "1-D uint16/uint32 token file to train on")
  String trainTokens;

  @Option(names = "--heldout-tokens", paramLabel = "FILE.npy", description = "token file for the held-out loss")
  String heldoutTokens;

  @Option(names = "--vocab", description = "vocabulary size")
  Integer vocab;

  @Option(names = "--layers", description = "transformer blocks (default 2)")
  Integer layers;

  @Option(names = "--heads", description = "attention heads (default 4)")
  Integer heads;

  @Option(names = "--d-model", description = "model width (default 128)")
  Integer dModel;

  @Option(names = "--ff-size", description = "SwiGLU hidden width (default 4 x d-model, OLMo's ratio)")
  Integer ffSize;

  @Option(names = "--context", description = "tokens per training window (default 256)")
  Integer context;

  @Option(names = "--batch", description = "windows per step (default 16)")
  Integer batch;

  @Option(names = "--lr", description = "peak learning rate (default 1e-2; muP scales hidden matrices from it)")
  Double lr;

  @Option(names = "--warmup", description = "linear warmup steps (default 0)")
  Long warmup;

  @Option(names = "--schedule", description = "cosine (to zero at the budget), constant or wsd (default cosine)")
  String schedule;

  @Option(names = "--decay-fraction", description = "share of the steps wsd decays over (default 0.2)")
  Double decayFraction;

  @Option(names = "--weight-decay", description = "AdamW decoupled weight decay, not on embeddings (default 0.1)")
  Double weightDecay;

  @Option(names = "--clip", description = "global gradient-norm limit, 0 for none (default 1.0)")
  Double clip;

  @Option(names = "--tokens", description = "token budget")
  Long tokens;

  @Option(names = "--seed", description = "seeds initialisation and sampling (default 1)")
  Long seed;

  @Option(names = "--eval-every", description = "steps between held-out evaluations, 0 for only the end (default 0)")
  Long evalEvery;

  @Option(names = "--eval-tokens", description = "held-out tokens per evaluation (default 65536)")
  Long evalTokens;

  @Option(names = "--checkpoint-every", description = "steps between checkpoints, 0 for only the end (default 0)")
  Long checkpointEvery;

  @Option(names = "--checkpoint-at", split = ",", paramLabel = "TOKENS", description = "also checkpoint once these token counts are reached (comma-separated)")
  List<Long> checkpointAt;

  @Option(names = "--out", paramLabel = "DIR", description = "run directory")
  String out;

  @Option(names = "--parameterization", description = "mup or standard (default mup)")
  String parameterization;

  @Option(names = "--base-width", description = "muP base width: the width the learning rate was tuned at (default 128)")
  Integer baseWidth;

  @Option(names = "--init-std", description = "base initialisation std (default 0.02)")
  Double initStd;

  @Option(names = "--tied", arity = "1", paramLabel = "true|false", description = "output head tied to the embedding (default true)")
  Boolean tied;

  @Override
  public Integer call() throws Exception {
    TrainConfig config = TrainConfig.load(this.config, flagOverrides());
    Progress progress = new Progress("pretrain", config.totalSteps());
    Trainer.Result result = new Trainer(config, resume, (r, total) -> progress.advanceTo(r.step())).run();
    progress.finish("");
    System.out.printf("trained %d steps, %d tokens%s; checkpoint %s%n", result.steps(), result.tokens(),
        result.heldoutLoss() == null ? "" : String.format(", held-out loss %.4f", result.heldoutLoss()),
        result.checkpoint());
    return 0;
  }

  /** The config keys given as flags: every option named like a config key that was on the command line. */
  private Map<String, Object> flagOverrides() {
    List<String> keys = TrainConfig.keys();
    Map<String, Object> overrides = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      String key = option.longestName().replaceFirst("^--", "");
      if (keys.contains(key) && spec.commandLine().getParseResult().hasMatchedOption(option)) {
        overrides.put(key, option.getValue());
      }
    }
    return overrides;
  }
}
