package overtrain.model;

import java.util.Arrays;

/**
 * One named tensor inside the flat parameter buffer.
 *
 * @param name the Hugging Face name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape row-major shape, [out, in] for linear layers as in PyTorch
 * @param offset index of the first element in a float32 {@link Parameters#data()} (a long: the
 *     tensors of a model held in bfloat16, one array each, may add up to more than an int counts)
 * @param initMean mean of the Gaussian it was initialised from: 0 for matrices, 1 for a norm's
 *     gain, which starts at exactly 1
 * @param initStd std of the Gaussian it was initialised from (the perturbation study scales
 *     noise by it: a norm's gain, std 0, has no init covariance and so gets no noise)
 * @param lrScale multiplier on the optimiser's learning rate (muP scales hidden matrices)
 * @param weightDecay whether AdamW's decoupled decay applies (not to embeddings)
 */
public record TensorSpec(
    String name, int[] shape, long offset, double initMean, double initStd, double lrScale,
    boolean weightDecay) {

  public int size() {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  /**
   * {@link #offset} as an index into a float32 buffer: {@link Parameters} refuses a layout that
   * does not fit one array, so for its tensors this cannot overflow.
   */
  public int at() {
    return Math.toIntExact(offset);
  }

  /** One past the last element, as an index into a float32 buffer ({@link #at}). */
  public int end() {
    return at() + size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && offset == t.offset
        && initMean == t.initMean
        && initStd == t.initStd
        && lrScale == t.lrScale
        && weightDecay == t.weightDecay;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + "@" + offset;
  }
}
