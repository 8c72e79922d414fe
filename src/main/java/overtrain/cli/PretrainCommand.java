package overtrain.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.train.TrainConfig;
import overtrain.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code overtrain pretrain}: one run from a YAML config, any key overridable by a flag. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pre-train an OLMo-architecture model (or, with --set model.architecture=llama or olmo2, "
          + "one of those) on a token file to a token budget.",
      "Settings come from the defaults, then --config (YAML with the sections model, data, lr, "
          + "optim, schedule, tokens, seed, eval, checkpoint), then the flags below and --set.",
      "Writes OUT/config.yaml (as used), OUT/metrics.jsonl (one line per step) and resumable "
          + "checkpoints OUT/checkpoints/step-NNNNNNNN/ (Hugging Face folders).",
      "A run whose OUT already holds a checkpoint of the same config continues from the latest one."
    },
    sortOptions = false)
public final class PretrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFlags.Mixin configFlags;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
  Path out;

  @Option(names = "--resume", description = "Require a checkpoint in --out to continue from (default: continue when one is there).")
  boolean resume;

  @ConfigFlags.Key("data.train")
  @Option(names = "--train-tokens", paramLabel = "FILE.npy", description = "1-D uint16/uint32 token file to train on (data.train; required).")
  String trainTokens;

  @ConfigFlags.Key("data.heldout")
  @Option(names = "--heldout-tokens", paramLabel = "FILE.npy", description = "Token file for the held-out loss (data.heldout).")
  String heldoutTokens;

  @ConfigFlags.Key("model.vocab_size")
  @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size (model.vocab_size; required).")
  Integer vocab;

  @ConfigFlags.Key("model.num_layers")
  @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks (model.num_layers; default ${DEFAULT-VALUE}).")
  Integer layers;

  @ConfigFlags.Key("model.num_heads")
  @Option(names = "--heads", paramLabel = "N", description = "Attention heads (model.num_heads; default ${DEFAULT-VALUE}).")
  Integer heads;

  @ConfigFlags.Key("model.hidden_size")
  @Option(names = "--d-model", paramLabel = "N", description = "Model width (model.hidden_size; default ${DEFAULT-VALUE}).")
  Integer dModel;

  @ConfigFlags.Key("model.intermediate_size")
  @Option(names = "--ff-size", paramLabel = "N", description = "SwiGLU hidden width (model.intermediate_size; default 4 x --d-model, OLMo's ratio).")
  Integer ffSize;

  @ConfigFlags.Key("model.max_context")
  @Option(names = "--context", paramLabel = "N", description = "Tokens per training window (model.max_context; default ${DEFAULT-VALUE}).")
  Integer context;

  @ConfigFlags.Key("data.order")
  @Option(names = "--order", paramLabel = "ORDER", description = "permutation (non-overlapping windows, every token once an epoch) or random (uniform starts, with replacement) (data.order; default ${DEFAULT-VALUE}).")
  String order;

  @ConfigFlags.Key("data.batch")
  @Option(names = "--batch", paramLabel = "N", description = "Windows per step (data.batch; default ${DEFAULT-VALUE}).")
  Integer batch;

  @ConfigFlags.Key("lr")
  @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate; muP scales hidden matrices from it (default ${DEFAULT-VALUE}).")
  Double lr;

  @ConfigFlags.Key("schedule.name")
  @Option(names = "--schedule", paramLabel = "NAME", description = "cosine (to zero at the budget), linear, wsd or constant (schedule.name; default ${DEFAULT-VALUE}).")
  String schedule;

  @ConfigFlags.Key("schedule.warmup_steps")
  @Option(names = "--warmup-steps", paramLabel = "N", description = "Steps of linear warmup (schedule.warmup_steps; default ${DEFAULT-VALUE}).")
  Long warmupSteps;

  @ConfigFlags.Key("schedule.warmup_fraction")
  @Option(names = "--warmup-fraction", paramLabel = "F", description = "Or the fraction of the steps spent warming up (schedule.warmup_fraction; default ${DEFAULT-VALUE}).")
  Double warmupFraction;

  @ConfigFlags.Key("schedule.decay_fraction")
  @Option(names = "--decay-fraction", paramLabel = "F", description = "Share of the steps wsd decays over (schedule.decay_fraction; default ${DEFAULT-VALUE}).")
  Double decayFraction;

  @ConfigFlags.Key("optim.weight_decay")
  @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW decoupled weight decay, not on embeddings (optim.weight_decay; default ${DEFAULT-VALUE}).")
  Double weightDecay;

  @ConfigFlags.Key("optim.clip")
  @Option(names = "--clip", paramLabel = "NORM", description = "Global gradient-norm limit, 0 for none (optim.clip; default ${DEFAULT-VALUE}).")
  Double clip;

  @ConfigFlags.Key("tokens")
  @Option(names = "--tokens", paramLabel = "N", description = "Token budget; the schedule anneals to zero there (required).")
  Long tokens;

  @ConfigFlags.Key("seed")
  @Option(names = "--seed", paramLabel = "N", description = "Seeds initialisation and sampling (default ${DEFAULT-VALUE}).")
  Long seed;

  @ConfigFlags.Key("eval.every")
  @Option(names = "--eval-every", paramLabel = "STEPS", description = "Steps between held-out evaluations, 0 for only the end (eval.every; default ${DEFAULT-VALUE}).")
  Long evalEvery;

  @ConfigFlags.Key("eval.tokens")
  @Option(names = "--eval-tokens", paramLabel = "N", description = "Held-out predictions scored per evaluation (eval.tokens; default ${DEFAULT-VALUE}).")
  Long evalTokens;

  @ConfigFlags.Key("checkpoint.every")
  @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "Steps between checkpoints, 0 for only the end (checkpoint.every; default ${DEFAULT-VALUE}).")
  Long checkpointEvery;

  @ConfigFlags.Key("checkpoint.at")
  @Option(names = "--checkpoint-at", split = ",", paramLabel = "TOKENS", description = "Also checkpoint once these token counts are reached (checkpoint.at).")
  List<Long> checkpointAt;

  @ConfigFlags.Key("model.parameterization")
  @Option(names = "--parameterization", paramLabel = "P", description = "mup or standard (model.parameterization; default ${DEFAULT-VALUE}).")
  String parameterization;

  @ConfigFlags.Key("model.base_width")
  @Option(names = "--base-width", paramLabel = "N", description = "muP base width: the width the learning rate was tuned at (model.base_width; default ${DEFAULT-VALUE}).")
  Integer baseWidth;

  @ConfigFlags.Key("model.init_std")
  @Option(names = "--init-std", paramLabel = "STD", description = "Base initialisation std (model.init_std; default ${DEFAULT-VALUE}).")
  Double initStd;

  @ConfigFlags.Key("model.rope_theta")
  @Option(names = "--rope-theta", paramLabel = "BASE", description = "Rotary embedding base (model.rope_theta; default ${DEFAULT-VALUE}).")
  Double ropeTheta;

  @ConfigFlags.Key("model.tie_word_embeddings")
  @Option(names = "--tied", arity = "1", paramLabel = "true|false", description = "Output head tied to the embedding (model.tie_word_embeddings; default ${DEFAULT-VALUE}).")
  Boolean tied;

  @Override
  public Integer call() throws Exception {
    TrainConfig config = TrainConfig.load(ConfigFlags.layers(spec, configFlags));
    Progress progress = new Progress("pretrain", config.totalSteps());
    Trainer.Result result = new Trainer(config, out, resume, (r, total) -> progress.advanceTo(r.step())).run();
    progress.finish("");
    System.out.printf("trained %d steps, %d tokens (%.3f epochs of the training file)%s; checkpoint %s%n",
        result.steps(), result.tokens(), result.epochs(),
        result.heldoutLoss() == null ? "" : String.format(", held-out loss %.4f", result.heldoutLoss()),
        result.checkpoint());
    return 0;
  }
}
