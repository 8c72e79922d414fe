package overtrain.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every trainable number of a model in one flat float array (llm.c's layout): the optimiser
 * walks it in one pass, a checkpoint writes it tensor by tensor, a perturbation adds noise per
 * tensor using each tensor's init std. Gradients use a second array of the same layout.
 */
public final class Parameters {
  private final float[] data;
  private final List<TensorSpec> specs;
  private final Map<String, TensorSpec> byName = new LinkedHashMap<>();

  public Parameters(List<TensorSpec> specs) {
    this(specs, new float[totalSize(specs)]);
  }

  public Parameters(List<TensorSpec> specs, float[] data) {
    if (data.length != totalSize(specs)) {
      throw new IllegalArgumentException(
          "parameter buffer has " + data.length + " floats, layout needs " + totalSize(specs));
    }
    this.specs = List.copyOf(specs);
    this.data = data;
    for (TensorSpec s : this.specs) {
      if (byName.put(s.name(), s) != null) {
        throw new IllegalArgumentException("tensor " + s.name() + " appears twice");
      }
    }
  }

  public float[] data() {
    return data;
  }

  public List<TensorSpec> specs() {
    return specs;
  }

  public int size() {
    return data.length;
  }

  /** The tensor of this name; an error listing the known names when there is none. */
  public TensorSpec spec(String name) {
    TensorSpec s = byName.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no tensor named " + name + "; have " + byName.keySet());
    }
    return s;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  /** A deep copy: same layout, its own numbers. */
  public Parameters copy() {
    return new Parameters(specs, data.clone());
  }

  private static int totalSize(List<TensorSpec> specs) {
    long n = 0;
    for (TensorSpec s : specs) {
      if (s.offset() != n) {
        throw new IllegalArgumentException(
            "tensor " + s.name() + " starts at " + s.offset() + ", expected " + n + " (contiguous)");
      }
      n += s.size();
    }
    if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model too large: " + n);
    return (int) n;
  }
}
