package overtrain.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's loss written out again in double, from the definitions, one sequence and one row
 * at a time, for every {@link Architecture}: slow, short and independent of the engine's
 * buffers, so that central differences of it check the engine's backward pass.
 */
final class ReferenceModel {
  private final ModelConfig c;
  private final Map<String, Integer> offset = new HashMap<>();
  private final int d, heads, hd, f;

  ReferenceModel(ModelConfig config) {
    this.c = config;
    for (TensorSpec s : OlmoModel.layout(config)) offset.put(s.name(), s.at());
    d = config.hiddenSize();
    heads = config.numHeads();
    hd = config.headDim();
    f = config.intermediateSize();
  }

  /** Mean cross-entropy over the targets >= 0 of tokens [batch*seqLen], with parameters p. */
  double loss(double[] p, int[] tokens, int[] targets, int batch, int seqLen) {
    return loss(p, tokens, targets, batch, seqLen, new int[0], new double[0]);
  }

  /** The same with the residual stream's input at {@code rows} set to {@code vectors} [rows, d]. */
  double loss(double[] p, int[] tokens, int[] targets, int batch, int seqLen, int[] rows, double[] vectors) {
    Architecture a = c.architecture();
    boolean before = a.placement() == Architecture.Placement.BEFORE;
    double total = 0;
    int counted = 0;
    for (int b = 0; b < batch; b++) {
      double[][] x = new double[seqLen][d];
      for (int t = 0; t < seqLen; t++) {
        for (int j = 0; j < d; j++) {
          x[t][j] = p[at("model.embed_tokens.weight") + tokens[b * seqLen + t] * d + j] * c.embeddingScale();
        }
      }
      for (int k = 0; k < rows.length; k++) {
        if (rows[k] / seqLen != b) continue;
        for (int j = 0; j < d; j++) x[rows[k] % seqLen][j] = vectors[k * d + j];
      }
      for (int l = 0; l < c.numLayers(); l++) {
        List<String> norms = a.blockNorms(l);
        String attNorm = norms.isEmpty() ? null : norms.get(0), mlpNorm = norms.isEmpty() ? null : norms.get(1);
        String pre = "model.layers." + l + ".";
        double[][] in = before ? norm(x, p, attNorm) : x;
        double[][] q = linear(in, p, pre + "self_attn.q_proj.weight", d, d);
        double[][] k = linear(in, p, pre + "self_attn.k_proj.weight", d, d);
        double[][] v = linear(in, p, pre + "self_attn.v_proj.weight", d, d);
        if (a.qkNorm()) {
          q = rms(q, p, norms.get(2));
          k = rms(k, p, norms.get(3));
        }
        rope(q);
        rope(k);
        double[][] o = linear(attention(q, k, v), p, pre + "self_attn.o_proj.weight", d, d);
        add(x, before ? o : norm(o, p, attNorm));
        in = before ? norm(x, p, mlpNorm) : x;
        double[][] g = linear(in, p, pre + "mlp.gate_proj.weight", d, f);
        double[][] u = linear(in, p, pre + "mlp.up_proj.weight", d, f);
        for (int t = 0; t < seqLen; t++) {
          for (int j = 0; j < f; j++) g[t][j] = g[t][j] / (1 + Math.exp(-g[t][j])) * u[t][j];
        }
        double[][] m = linear(g, p, pre + "mlp.down_proj.weight", f, d);
        add(x, before ? m : norm(m, p, mlpNorm));
      }
      double[][] xf = norm(x, p, a.finalNorm());
      String head = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
      double[][] logits = linear(xf, p, head, d, c.vocabSize());
      for (int t = 0; t < seqLen; t++) {
        int target = targets[b * seqLen + t];
        if (target < 0) continue;
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double z : logits[t]) max = Math.max(max, z * c.logitScale());
        for (double z : logits[t]) sum += Math.exp(z * c.logitScale() - max);
        total += max + Math.log(sum) - logits[t][target] * c.logitScale();
        counted++;
      }
    }
    return total / counted;
  }

  private int at(String name) {
    Integer o = offset.get(name);
    if (o == null) throw new IllegalArgumentException("no tensor " + name);
    return o;
  }

  /** The architecture's norm: LayerNorm without weight (gain null), or RMSNorm with its gain. */
  private double[][] norm(double[][] x, double[] p, String gain) {
    if (c.architecture().norm() == Architecture.Norm.RMS) return rms(x, p, gain);
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      int n = x[t].length;
      double mean = 0, var = 0;
      for (double e : x[t]) mean += e / n;
      for (double e : x[t]) var += (e - mean) * (e - mean) / n;
      y[t] = new double[n];
      for (int j = 0; j < n; j++) y[t][j] = (x[t][j] - mean) / Math.sqrt(var + 1e-5);
    }
    return y;
  }

  private double[][] rms(double[][] x, double[] p, String gain) {
    int w = at(gain);
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      int n = x[t].length;
      double ms = 0;
      for (double e : x[t]) ms += e * e / n;
      y[t] = new double[n];
      for (int j = 0; j < n; j++) y[t][j] = p[w + j] * x[t][j] / Math.sqrt(ms + c.normEps());
    }
    return y;
  }

  /** x W^T with W [out, in] as PyTorch stores it. */
  private double[][] linear(double[][] x, double[] p, String name, int in, int out) {
    int w = at(name);
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = 0;
        for (int i = 0; i < in; i++) s += x[t][i] * p[w + o * in + i];
        y[t][o] = s;
      }
    }
    return y;
  }

  /** Rotate-half rotary embedding: in each head, element i turns with i + hd/2 by pos * theta^(-2i/hd). */
  private void rope(double[][] x) {
    int half = hd / 2;
    for (int t = 0; t < x.length; t++) {
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < half; i++) {
          double angle = t * Math.pow(c.ropeTheta(), -2.0 * i / hd);
          double a = x[t][h * hd + i], b = x[t][h * hd + half + i];
          x[t][h * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
          x[t][h * hd + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
  }

  private double[][] attention(double[][] q, double[][] k, double[][] v) {
    int n = q.length;
    double[][] y = new double[n][d];
    for (int h = 0; h < heads; h++) {
      for (int t = 0; t < n; t++) {
        double[] score = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int s = 0; s <= t; s++) {
          for (int i = 0; i < hd; i++) score[s] += q[t][h * hd + i] * k[s][h * hd + i];
          score[s] *= c.attentionScale();
          max = Math.max(max, score[s]);
        }
        for (int s = 0; s <= t; s++) sum += Math.exp(score[s] - max);
        for (int s = 0; s <= t; s++) {
          double prob = Math.exp(score[s] - max) / sum;
          for (int i = 0; i < hd; i++) y[t][h * hd + i] += prob * v[s][h * hd + i];
        }
      }
    }
    return y;
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) for (int j = 0; j < x[t].length; j++) x[t][j] += y[t][j];
  }
}
