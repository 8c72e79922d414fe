package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import overtrain.io.Configs;
import overtrain.model.ModelConfig;
import overtrain.train.TrainConfig;

/**
 * How long the grid's cells take, from the engine's speed measured on this machine: for each
 * model shape, {@code overtrain bench train} runs a few real training steps and scoring passes
 * in a JVM of the cell's thread count, once per plan; a cell's seconds are that JVM's startup
 * and warm-up, then its tokens at those speeds.
 */
final class Estimates {
  private Estimates() {}

  /**
   * Tokens per second of training and of forward-only scoring once compiled, and the seconds a
   * fresh JVM spends before that (starting, and the JIT's warm-up steps, which run far slower).
   */
  record Speed(double train, double score, double startup) {}

  private static final Map<String, Speed> MEASURED = new ConcurrentHashMap<>();

  /** A pre-training run (or a branch's decay, or a trunk): its tokens trained, its held-out slice scored. */
  static double pretrain(Cell cell) {
    TrainConfig c = Configs.bind(TrainConfig.class, cell.spec().get("config"), Map.of());
    Speed s = speed(c.model(), c.data().batch(), cell.threads());
    return s.startup() + cell.tokens() / s.train() + c.eval().tokens() / s.score();
  }

  /** A cell that only scores (perturbation): its tokens at scoring speed. */
  static double scoring(Cell cell, ModelConfig model, int batch) {
    Speed s = speed(model, batch, cell.threads());
    return s.startup() + cell.tokens() / s.score();
  }

  static double scoring(Cell cell) {
    Shape s = shapeOf(cell);
    return scoring(cell, s.model(), s.batch());
  }

  /** Fine-tuning: its training tokens (an estimate) at training speed, and the scoring. */
  static double finetune(Cell cell) {
    Shape s = shapeOf(cell);
    Speed speed = speed(s.model(), s.batch(), cell.threads());
    JsonNode sweep = cell.spec().get("sweep");
    int rates = sweep.get("lr").size();
    long heldout = sweep.path("eval").path("heldout_tokens").asLong();
    return speed.startup() + cell.tokens() / speed.train() + (rates + 1) * heldout / speed.score();
  }

  private record Shape(ModelConfig model, int batch) {}

  /** The model of the pretrain cell a cell builds on, which the plan keeps in the cell's spec. */
  private static Shape shapeOf(Cell cell) {
    JsonNode model = cell.spec().get("model");
    return new Shape(Configs.bind(ModelConfig.class, model, Map.of()), cell.spec().path("batch").asInt(16));
  }

  /** Measured once per shape, batch and thread count. */
  static Speed speed(ModelConfig m, int batch, int threads) {
    String key = m.numLayers() + "x" + m.hiddenSize() + "x" + m.intermediateSize() + "x" + m.vocabSize()
        + "/" + m.numHeads() + "/" + m.maxContext() + "/" + batch + "/" + threads;
    int cores = Runtime.getRuntime().availableProcessors();
    return MEASURED.computeIfAbsent(key, k -> measure(m, batch, Math.min(threads, cores)));
  }

  /**
   * Runs {@code bench train}; NaN speeds when the shape cannot be run here (too large for this
   * machine's memory, say), which leaves the cells without an estimate. Large batches are
   * timed at a few thousand tokens a step: a step's tokens/s hardly depends on the batch.
   */
  private static Speed measure(ModelConfig m, int fullBatch, int threads) {
    int batch = Math.max(1, Math.min(fullBatch, 8192 / m.maxContext()));
    List<String> args = List.of("bench", "train", "--layers", "" + m.numLayers(), "--heads", "" + m.numHeads(),
        "--d-model", "" + m.hiddenSize(), "--ff-size", "" + m.intermediateSize(), "--vocab", "" + m.vocabSize(),
        "--context", "" + m.maxContext(), "--batch", "" + batch, "--steps", "4", "--warmup-steps", "2", "--json");
    try {
      long started = System.nanoTime();
      Process p = new ProcessBuilder(JavaCommand.of("" + threads, "overtrain.cli.Main", args))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) throw new IOException("bench train exited " + p.exitValue());
      double wall = (System.nanoTime() - started) / 1e9;
      JsonNode r = Json.MAPPER.readTree(out);
      double train = r.get("tokens_per_s").asDouble(), score = r.get("score_tokens_per_s").asDouble();
      // what the timed steps and their scoring passes took; the rest of the wall is startup
      double tokens = (double) r.get("steps").asInt() * batch * m.maxContext();
      double startup = Math.max(0, wall - tokens / train - tokens / score);
      return new Speed(train, score, startup);
    } catch (IOException e) {
      System.err.printf("no estimate for %d layers x %d wide at batch %d on %d threads: %s%n",
          m.numLayers(), m.hiddenSize(), batch, threads, e.getMessage());
      return new Speed(Double.NaN, Double.NaN, Double.NaN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Speed(Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /** 4000000 as "4M", 250000 as "250k". */
  static String tokens(long n) {
    if (n >= 1_000_000_000 && n % 100_000_000 == 0) return trim(n / 1e9) + "B";
    if (n >= 1_000_000 && n % 100_000 == 0) return trim(n / 1e6) + "M";
    if (n >= 1_000 && n % 100 == 0) return trim(n / 1e3) + "k";
    return Long.toString(n);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
