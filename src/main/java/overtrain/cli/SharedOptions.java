package overtrain.cli;

import java.nio.file.Path;
import overtrain.checkpoint.Checkpoint;
import overtrain.model.Parameters;
import picocli.CommandLine.Option;

/** Options several commands share, declared once as picocli mixins. */
final class SharedOptions {
  private SharedOptions() {}

  /** The checkpoint a command reads. */
  static final class Model {
    @Option(names = "--model", required = true, paramLabel = "DIR",
        description = "Checkpoint folder, ours or a Hugging Face OLMo, OLMo-2 or Llama one "
            + "(config.json + model.safetensors or its shards; float32, bfloat16 or float16).")
    Path dir;
  }

  /** How a command that only scores a model (never trains it) holds its weights. */
  static final class Precision {
    @Option(names = "--precision", paramLabel = "auto|float32|bfloat16", defaultValue = "auto",
        description = "How the weights are held: float32, or bfloat16 (half the memory: a 7B model fits "
            + "in 24 GiB; each weight is widened to float32 as it is read, so bfloat16 weights score "
            + "exactly as in float32; a float32 checkpoint is rounded). auto: float32 when the weights "
            + "take at most three quarters of the JVM's max heap, else bfloat16 (default: ${DEFAULT-VALUE}).")
    String value;

    /** The precision asked for, or chosen for {@code dir}'s model. */
    Parameters.Precision resolve(Path dir) throws java.io.IOException {
      switch (value) {
        case "float32": return Parameters.Precision.FLOAT32;
        case "bfloat16": return Parameters.Precision.BFLOAT16;
        case "auto":
          return Checkpoint.scoringPrecision(dir);
        default:
          throw new IllegalArgumentException("--precision must be auto, float32 or bfloat16, got '" + value + "'");
      }
    }
  }

  /** Where task names are looked up, and the tokenizer their text goes through. */
  static final class Tasks {
    @Option(names = "--tasks-dir", paramLabel = "DIR", defaultValue = "data/tasks",
        description = "Where task names are looked up (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--tokenizer", paramLabel = "FILE|NAME",
        description = "tokenizer.json or a built-in name (r50k_base, cl100k_base); default: "
            + "tokenizer.json in the model folder.")
    String tokenizer;
  }
}
