package overtrain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.data.TokenFile;
import overtrain.formats.Npy;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;

class TokenLossTest {
  private static final int VOCAB = 50, CONTEXT = 8, LAYERS = 3;

  private static TokenFile tokens(Path dir, int count) throws IOException {
    int[] ids = new int[count];
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < count; i++) ids[i] = rng.nextInt(VOCAB);
    Path file = dir.resolve("heldout.npy");
    Npy.writeTokens(file, ids, count);
    return TokenFile.open(file, VOCAB);
  }

  private static OlmoModel model() {
    ModelConfig c = new ModelConfig(VOCAB, 16, LAYERS, 2, 32, CONTEXT, false, 10000.0,
        Parameterization.MUP, 16, 0.02);
    return new OlmoModel(c, OlmoModel.initialize(c, 7));
  }

  /**
   * A pass over a window of a large model takes a minute, so progress moves block by block
   * within a pass: for every batch, once per block and once more for the head, never backwards,
   * and ending at the tokens scored; the same loss as without a listener.
   */
  @Test
  void progressMovesBlockByBlockWithinEachPass(@TempDir Path dir) throws IOException {
    TokenFile file = tokens(dir, 7 * CONTEXT + 1); // 7 windows: batches of 3, 3 and 1
    OlmoModel model = model();
    List<long[]> calls = new ArrayList<>();
    TokenLoss.Result r = TokenLoss.evaluate(model, file, CONTEXT, 3, Long.MAX_VALUE,
        (done, total) -> calls.add(new long[] {done, total}));
    assertEquals(7L * CONTEXT, r.tokens());
    assertEquals(r.tokens(), TokenLoss.tokensScored(file, CONTEXT, Long.MAX_VALUE));
    assertEquals(3 * (LAYERS + 1), calls.size(), "three batches, each its blocks and its head");
    long last = 0;
    for (long[] c : calls) {
      assertEquals(r.tokens(), c[1]);
      assertTrue(c[0] > last, "progress moves forward: " + c[0] + " after " + last);
      last = c[0];
    }
    assertEquals(r.tokens(), last);
    // the first batch's 24 tokens: a quarter, a half and three quarters of them after its three
    // blocks, all of them after its head
    for (int b = 0; b < LAYERS; b++) assertEquals(24L * (b + 1) / (LAYERS + 1), calls.get(b)[0]);
    assertEquals(24, calls.get(LAYERS)[0]);

    assertEquals(TokenLoss.evaluate(model, file, CONTEXT, 3, Long.MAX_VALUE).loss(), r.loss());
    // and the listener is gone after the evaluation: another pass tells nobody
    int before = calls.size();
    model.loss(new int[CONTEXT], new int[CONTEXT], 1, CONTEXT);
    assertEquals(before, calls.size());
  }
}
