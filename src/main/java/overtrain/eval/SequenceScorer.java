package overtrain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntConsumer;
import overtrain.tasks.encoding.Batch;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.metrics.Score;

/**
 * The one scoring path of evaluation: forward-only, batched. Sequences are scored longest
 * first so that a batch holds sequences of similar length and little padding; the scores come
 * back in the order given.
 */
public final class SequenceScorer {
  private final TokenLogProbs model;
  private final int paddingId;
  private final int batchSize;

  public SequenceScorer(TokenLogProbs model, int paddingId, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive");
    this.model = model;
    this.paddingId = paddingId;
    this.batchSize = batchSize;
  }

  public List<Score> score(List<Sequence> sequences) {
    return score(sequences, done -> {});
  }

  /**
   * Scores every sequence; {@code progress} hears how many sequences each batch finished.
   */
  public List<Score> score(List<Sequence> sequences, IntConsumer progress) {
    int n = sequences.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    // Stable sort: equal lengths keep their order, so results do not depend on the sort.
    Arrays.sort(
        order,
        Comparator.comparingInt((Integer i) -> sequences.get(i).inputLength()).reversed());
    Score[] scores = new Score[n];
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      List<Sequence> chunk = new ArrayList<>(to - from);
      for (int k = from; k < to; k++) chunk.add(sequences.get(order[k]));
      Batch batch = Batch.of(chunk, paddingId);
      float[] out = new float[batch.tokens().length];
      model.targetLogProbs(batch.tokens(), batch.targets(), batch.batch(), batch.seqLen(), out);
      for (int b = 0; b < chunk.size(); b++) {
        double sum = 0;
        int row = b * batch.seqLen();
        for (int t = 0; t < batch.seqLen(); t++) {
          if (batch.targets()[row + t] >= 0) sum += out[row + t];
        }
        scores[order[from + b]] = new Score(sum, chunk.get(b).targetCount());
      }
      progress.accept(to - from);
    }
    return List.of(scores);
  }
}
