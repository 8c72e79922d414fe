package overtrain.multimodal;

import java.util.Arrays;
import java.util.List;
import overtrain.tasks.Candidate;
import overtrain.tasks.encoding.Batch;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tasks.encoding.Sequence;

/**
 * Sequences that begin with an image: {@code visual} positions whose inputs are the projector's
 * outputs, then the prompt and the answer as text. The text is tokenised as evaluation
 * tokenises a candidate (context {@code prompt + "\nAnswer:"}, continuation {@code " " +
 * answer}), and only the answer's tokens are targets, so training and scoring count the same
 * tokens. The token id under a visual position is the padding id; the model does not read it.
 *
 * @param rows the visual positions, row-major in the batch
 * @param features [rows.length, dims]: each visual position's encoder features
 */
public record VisualBatch(int[] tokens, int[] targets, int batch, int seqLen, int[] rows, float[] features) {

  /** An example's text: the prompt and one answer. */
  public record Text(String prompt, String answer) {
    Candidate candidate() {
      return new Candidate(prompt + "\nAnswer:", " " + answer);
    }
  }

  /** The text's tokens after {@code visual} placeholder positions, answer tokens scored. */
  static Sequence sequence(CandidateEncoder encoder, Text text, int visual, String source) {
    List<Sequence> s = encoder.encode(text.candidate());
    Sequence only = s.get(0);
    if (s.size() != 1 || only.truncated() > 0) {
      throw new IllegalArgumentException(source + ": prompt and answer do not fit the model's context of "
          + (encoder.maxContext() + visual) + " tokens after " + visual + " visual tokens");
    }
    int[] tokens = new int[visual + only.tokens().length];
    Arrays.fill(tokens, 0, visual, encoder.paddingId());
    System.arraycopy(only.tokens(), 0, tokens, visual, only.tokens().length);
    return new Sequence(tokens, visual + only.firstTarget(), 0);
  }

  /** Pads {@code sequences} (each from {@link #sequence}) to one length and gathers their images' features. */
  static VisualBatch of(List<Sequence> sequences, List<float[]> features, int visual, int dims, int paddingId) {
    Batch b = Batch.of(sequences, paddingId);
    int[] rows = new int[b.batch() * visual];
    float[] x = new float[rows.length * dims];
    for (int i = 0; i < b.batch(); i++) {
      float[] f = features.get(i);
      if (f.length != visual * dims) throw new IllegalArgumentException("features of " + f.length + " floats, expected " + visual * dims);
      for (int v = 0; v < visual; v++) rows[i * visual + v] = i * b.seqLen() + v;
      System.arraycopy(f, 0, x, i * visual * dims, visual * dims);
    }
    return new VisualBatch(b.tokens(), b.targets(), b.batch(), b.seqLen(), rows, x);
  }
}
