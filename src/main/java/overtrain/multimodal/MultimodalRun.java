package overtrain.multimodal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import overtrain.checkpoint.Checkpoint;
import overtrain.checkpoint.Safetensors;
import overtrain.io.AtomicWrite;
import overtrain.io.Configs;
import overtrain.model.Parameters;
import overtrain.model.TensorSpec;

/**
 * A multimodal tuning run into a folder: {@code metrics.jsonl} (every step of both stages),
 * {@code result.json} (what was measured, the encoder, the config as used) and {@code model/}
 * (the language model after stage 2 as a checkpoint, and the projector beside it in
 * {@code projector.safetensors}, named as Hugging Face's LLaVA names it).
 */
public final class MultimodalRun {
  public static final String RESULT = "result.json", METRICS = "metrics.jsonl", MODEL_DIR = "model",
      PROJECTOR = "projector.safetensors";

  private MultimodalRun() {}

  /** Refuses a folder holding an earlier run's results unless {@code overwrite}. */
  public static void prepare(Path out, boolean overwrite) throws IOException {
    if (!overwrite && (Files.exists(out.resolve(RESULT)) || Files.exists(out.resolve(MODEL_DIR)))) {
      throw new IOException(out + ": holds the results of an earlier run (" + RESULT + " or " + MODEL_DIR
          + "/); give --overwrite to replace them");
    }
    Files.createDirectories(out);
  }

  /** Runs both stages, writing as it goes; returns what was measured. */
  public static MultimodalTuner.Result run(MultimodalTuner.Inputs in, MultimodalConfig cfg, Path out,
      MultimodalTuner.Listener also) throws IOException {
    MultimodalTuner tuner;
    MultimodalTuner.Result result;
    try (BufferedWriter metrics = Files.newBufferedWriter(out.resolve(METRICS), StandardCharsets.UTF_8)) {
      tuner = new MultimodalTuner(in, cfg, step -> {
        try {
          metrics.write(Configs.JSON.writeValueAsString(step));
          metrics.newLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        also.step(step);
      });
      try {
        result = tuner.run();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    Path model = out.resolve(MODEL_DIR);
    Checkpoint.save(model, in.config(), tuner.trained().lm());
    Parameters p = tuner.trained().projector();
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (TensorSpec s : p.specs()) tensors.add(new Safetensors.Tensor(s.name(), s.shape(), p.data(), s.at()));
    Safetensors.write(model.resolve(PROJECTOR), tensors, Map.of("format", "pt"));
    AtomicWrite.writeString(out.resolve(RESULT), Configs.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    return result;
  }
}
