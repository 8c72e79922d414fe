package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;

/** A config.json that contradicts itself is reported as the field really at fault. */
class HfConfigTest {
  @TempDir Path dir;

  /** muP, hidden 32 over 4 heads (head_dim 8), base width 16. */
  private static final ModelConfig MUP =
      new ModelConfig(50, 32, 1, 4, 64, 16, true, 10000.0, Parameterization.MUP, 16, 0.02);

  private ObjectNode saved() throws IOException {
    Checkpoint.save(dir, MUP, OlmoModel.initialize(MUP, 1));
    Files.delete(dir.resolve(Checkpoint.MANIFEST)); // edited by hand below
    return (ObjectNode) new ObjectMapper().readTree(dir.resolve(Checkpoint.CONFIG).toFile());
  }

  private IOException read(ObjectNode o) throws IOException {
    Path file = dir.resolve(Checkpoint.CONFIG);
    new ObjectMapper().writeValue(file.toFile(), o);
    return assertThrows(IOException.class, () -> HfConfig.read(file));
  }

  @Test
  void aHiddenSizeAtOddsWithItsAttentionScaleIsNamed() throws IOException {
    IOException e = read(saved().put("hidden_size", 64));
    assertTrue(e.getMessage().contains("'attention_scale' is 0.125, which is 1/head_dim for head_dim 8, but"
        + " hidden_size 64 / num_attention_heads 4 gives head_dim 16"), e.getMessage());
    assertTrue(e.getMessage().contains("hidden_size or num_attention_heads disagrees"), e.getMessage());
  }

  @Test
  void aHiddenSizeAtOddsWithItsLogitScaleIsNamed() throws IOException {
    // head_dim stays 8, so attention_scale agrees; logit_scale was made for width 32
    IOException e = read(saved().put("hidden_size", 64).put("num_attention_heads", 8).put("num_key_value_heads", 8));
    assertTrue(e.getMessage().contains("'logit_scale' is 0.5, which is base_width/hidden_size for hidden_size 32"
        + " at base_width 16, but hidden_size is 64"), e.getMessage());
  }

  /** With the weights beside it, a wrong size is reported against the tensors' shapes first. */
  @Test
  void tensorShapesAreCheckedBeforeTheMultipliers() throws IOException {
    ObjectNode o = saved().put("hidden_size", 64);
    new ObjectMapper().writeValue(dir.resolve(Checkpoint.CONFIG).toFile(), o);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(e.getMessage().contains("'model.embed_tokens.weight' has shape [50, 32], but")
        && e.getMessage().contains("implies [50, 64] (vocab_size 50, hidden_size 64"), e.getMessage());
  }

  @Test
  void headCountsAreCheckedForWhatTheyMustDivide() throws IOException {
    ObjectNode o = saved();
    IOException e = read(o.put("num_attention_heads", 5).put("num_key_value_heads", 5));
    assertTrue(e.getMessage().contains("'num_attention_heads' is 5, which must divide hidden_size 32"),
        e.getMessage());
    e = read(o.put("hidden_size", 48).put("num_attention_heads", 3).put("num_key_value_heads", 4));
    assertTrue(e.getMessage().contains("'num_key_value_heads' is 4, which must divide num_attention_heads 3"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("grouped-query"), e.getMessage());
    e = read(o.put("hidden_size", 32).put("num_attention_heads", 4).put("num_key_value_heads", 2));
    assertTrue(e.getMessage().contains("'num_key_value_heads' is 2, expected 4")
        && e.getMessage().contains("grouped-query attention is not supported"), e.getMessage());
  }
}
