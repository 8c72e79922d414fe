package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.io.Configs;

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
        "data.train", dir.resolve("train.npy").toString(),
        "data.heldout", dir.resolve("heldout.npy").toString(),
        "model.vocab_size", 256, "model.num_layers", 2, "model.num_heads", 2, "model.hidden_size", 32,
        "model.max_context", 32, "data.batch", 16, "tokens", 300L * 16 * 32));
    flags.put("lr", 2e-2);
    flags.put("schedule.warmup_steps", 30);
    flags.put("model.base_width", 32);
    flags.put("eval.tokens", 8192);
    TrainConfig config = TrainConfig.load(List.of(Configs.layer("flags", flags)));
    Trainer.Result r = new Trainer(config, dir.resolve("run"), false, (rec, total) -> {}).run();
    double unigram = unigramEntropy();
    System.out.printf("learning test: unigram entropy %.4f nats, held-out loss after %d steps %.4f nats%n",
        unigram, r.steps(), r.heldoutLoss());
    assertTrue(r.heldoutLoss() < unigram - 0.5,
        "held-out loss " + r.heldoutLoss() + " is not well below the unigram entropy " + unigram);
  }
}
