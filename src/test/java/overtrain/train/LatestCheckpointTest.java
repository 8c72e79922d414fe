package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.checkpoint.Checkpoint;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;

/** A damaged latest checkpoint is passed over, with its reason on stderr, for the one before it. */
class LatestCheckpointTest {
  @TempDir Path out;

  private void save(long step) throws IOException {
    ModelConfig c = new ModelConfig(20, 16, 1, 2, 32, 8, true, 10000.0, Parameterization.STANDARD, 16, 0.02);
    Parameters p = OlmoModel.initialize(c, step);
    Checkpoint.save(Trainer.checkpointDir(out, step), c, p,
        new Checkpoint.Moments(new float[p.size()], new float[p.size()], step),
        new ObjectMapper().createObjectNode().put("step", step));
  }

  private Optional<Path> latest(ByteArrayOutputStream err) throws IOException {
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return Trainer.latestCheckpoint(out);
    } finally {
      System.setErr(saved);
    }
  }

  @Test
  void aDamagedLatestCheckpointIsSkipped() throws IOException {
    save(4);
    save(8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(Optional.of(Trainer.checkpointDir(out, 8)), latest(err));
    assertEquals("", err.toString(StandardCharsets.UTF_8));

    Path model = Trainer.checkpointDir(out, 8).resolve(Checkpoint.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals(Optional.of(Trainer.checkpointDir(out, 4)), latest(err));
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("step-00000008") && said.contains("damaged") && said.contains(Checkpoint.MODEL)
        && said.contains("cut short"), said);

    // an empty trainer state in the earlier one too: nothing left to resume from
    Files.writeString(Trainer.checkpointDir(out, 4).resolve(Checkpoint.TRAINER_STATE), "");
    err.reset();
    assertEquals(Optional.empty(), latest(err));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("step-00000004"), err.toString(StandardCharsets.UTF_8));
  }
}
