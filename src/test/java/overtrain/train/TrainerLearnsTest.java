package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny model trained on a real book learns more than byte frequencies. */
class TrainerLearnsTest {
  @TempDir Path dir;

  /** Entropy (nats) of the byte distribution of the first 90% of the book. */
  private static double unigramEntropy() throws IOException {
    int[] ids = BookTokens.bytes();
    int n = ids.length * 9 / 10;
    long[] counts = new long[256];
    for (int i = 0; i < n; i++) counts[ids[i]]++;
    double h = 0;
    for (long c : counts) if (c > 0) h -= (double) c / n * Math.log((double) c / n);
    return h;
  }

  @Test
  void heldoutLossFallsWellBelowTheUnigramEntropy() throws IOException {
    BookTokens.write(dir);
    Map<String, Object> flags = new HashMap<>(Map.of(
        "train-tokens", dir.resolve("train.npy").toString(),
        "heldout-tokens", dir.resolve("heldout.npy").toString(),
        "vocab", 256, "layers", 2, "heads", 2, "d-model", 32, "context", 32, "batch", 16,
        "tokens", 300L * 16 * 32, "out", dir.resolve("run").toString()));
    flags.put("lr", 2e-2);
    flags.put("warmup", 30);
    flags.put("base-width", 32);
    flags.put("eval-tokens", 8192);
    Trainer.Result r = new Trainer(TrainConfig.load(null, flags), false, (rec, total) -> {}).run();
    double unigram = unigramEntropy();
    System.out.printf("learning test: unigram entropy %.4f nats, held-out loss after %d steps %.4f nats%n",
        unigram, r.steps(), r.heldoutLoss());
    assertTrue(r.heldoutLoss() < unigram - 0.5,
        "held-out loss " + r.heldoutLoss() + " is not well below the unigram entropy " + unigram);
  }
}
