package overtrain.cli;

import java.nio.file.Path;
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
