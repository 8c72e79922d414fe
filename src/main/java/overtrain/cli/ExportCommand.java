package overtrain.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.HfExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overtrain export}: a checkpoint that Hugging Face transformers computes as we do. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a checkpoint that Hugging Face's OlmoForCausalLM (or LlamaForCausalLM, or "
          + "Olmo2ForCausalLM, as the model is) computes as overtrain does.",
      "",
      "Every checkpoint loads in transformers, but under muP ours multiply attention logits by "
          + "1/head_dim and output logits by base_width/width, which transformers ignores. "
          + "This folds the multipliers into q_proj (q_norm under OLMo-2) and the head (untying a tied head whose "
          + "scale is not 1) and writes a standard-parameterisation checkpoint of the same "
          + "function, with the model's tokenizer.json when it has one. Standard checkpoints "
          + "come out unchanged."
    })
public final class ExportCommand implements Callable<Integer> {
  @Mixin SharedOptions.Model modelOption;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder for the exported checkpoint (replaced if it exists).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Checkpoint.Loaded folded = HfExport.export(modelOption.dir, out);
    System.out.printf("wrote %s: standard parameterisation, %s head%n", out,
        folded.config().tieWordEmbeddings() ? "tied" : "untied");
    return 0;
  }
}
