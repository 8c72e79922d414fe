package overtrain.multimodal;

import java.util.ArrayList;
import java.util.List;
import overtrain.tasks.encoding.Sequence;
import overtrain.tasks.vision.ImageExample;

/**
 * Closed questions about images scored by likelihood: each choice's mean log-probability per
 * answer token (length-normalised, as classification is scored), the highest one the answer.
 */
final class KindScorer {
  private KindScorer() {}

  /** The share of {@code examples} whose gold choice scores highest; candidates in batches of {@code batch}. */
  static double accuracy(VisionLanguageModel vlm, List<List<Sequence>> candidates, float[][] features,
      List<ImageExample> examples, int batch, int paddingId) {
    List<Sequence> flat = new ArrayList<>();
    List<float[]> feats = new ArrayList<>();
    List<int[]> owner = new ArrayList<>(); // {example, choice}
    for (int e = 0; e < candidates.size(); e++) {
      for (int c = 0; c < candidates.get(e).size(); c++) {
        flat.add(candidates.get(e).get(c));
        feats.add(features[e]);
        owner.add(new int[] {e, c});
      }
    }
    double[][] score = new double[candidates.size()][];
    for (int e = 0; e < candidates.size(); e++) score[e] = new double[candidates.get(e).size()];
    float[] out = new float[0];
    for (int from = 0; from < flat.size(); from += batch) {
      int to = Math.min(flat.size(), from + batch);
      VisualBatch b = VisualBatch.of(flat.subList(from, to), feats.subList(from, to), vlm.visualTokens(), vlm.dims(), paddingId);
      if (out.length < b.batch() * b.seqLen()) out = new float[b.batch() * b.seqLen()];
      vlm.logProbs(b, out);
      for (int i = from; i < to; i++) {
        Sequence s = flat.get(i);
        int row = (i - from) * b.seqLen();
        double sum = 0;
        for (int t = s.firstTarget() - 1; t < s.tokens().length - 1; t++) sum += out[row + t];
        int[] o = owner.get(i);
        score[o[0]][o[1]] = sum / s.targetCount();
      }
    }
    int right = 0;
    for (int e = 0; e < score.length; e++) {
      int best = 0;
      for (int c = 1; c < score[e].length; c++) if (score[e][c] > score[e][best]) best = c;
      if (best == examples.get(e).gold()) right++;
    }
    return (double) right / score.length;
  }
}
