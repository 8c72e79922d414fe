package overtrain.tasks.encoding;

import java.util.Arrays;
import java.util.List;

/**
 * Sequences padded to one length, in the layout the model takes: row b, position t at
 * {@code b * seqLen + t}. Padding reads the padding token and has target -1 (ignored), and
 * since attention is causal and padding sits on the right, it changes no real position.
 *
 * @param tokens [batch, seqLen] input ids
 * @param targets [batch, seqLen] next-token ids, -1 where nothing is scored (context, padding)
 */
public record Batch(int[] tokens, int[] targets, int batch, int seqLen) {

  /** Pads {@code sequences} to the longest input among them. */
  public static Batch of(List<Sequence> sequences, int paddingId) {
    if (sequences.isEmpty()) throw new IllegalArgumentException("empty batch");
    int seqLen = 0;
    for (Sequence s : sequences) seqLen = Math.max(seqLen, s.inputLength());
    int n = sequences.size();
    int[] tokens = new int[n * seqLen];
    int[] targets = new int[n * seqLen];
    Arrays.fill(tokens, paddingId);
    Arrays.fill(targets, -1);
    for (int b = 0; b < n; b++) {
      Sequence s = sequences.get(b);
      int[] t = s.tokens();
      int row = b * seqLen;
      System.arraycopy(t, 0, tokens, row, s.inputLength());
      for (int i = s.firstTarget(); i < t.length; i++) targets[row + i - 1] = t[i];
    }
    return new Batch(tokens, targets, n, seqLen);
  }

  /** Positions with a target, the denominator of a mean loss. */
  public int targetCount() {
    int n = 0;
    for (int t : targets) if (t >= 0) n++;
    return n;
  }
}
