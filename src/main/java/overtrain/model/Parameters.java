package overtrain.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every number of a model, in one of two forms.
 *
 * <p>{@link Precision#FLOAT32}: every tensor in one flat float array (llm.c's layout): the
 * optimiser walks it in one pass, a checkpoint writes it tensor by tensor, a perturbation adds
 * noise per tensor using each tensor's init std. Gradients use a second array of the same
 * layout. What training needs, and so the form of every model that is trained here.
 *
 * <p>{@link Precision#BFLOAT16}: one array of bfloat16 bits per tensor, half the bytes, for
 * scoring and perturbing a model whose float32 weights would not fit in memory (or in one Java
 * array: a 7B model has more than 2^31 numbers). The kernels widen each weight to float32 as
 * they read it, so a model held this way computes exactly what the same weights held in
 * float32 compute; it cannot be trained ({@link #data} refuses).
 */
public final class Parameters {
  /** How the numbers are held. */
  public enum Precision {
    FLOAT32, BFLOAT16;

    /** The name users write ({@code float32}, {@code bfloat16}). */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final float[] data; // FLOAT32
  private final short[][] halves; // BFLOAT16: [tensor in specs order][element]
  private final List<TensorSpec> specs;
  private final Map<String, Integer> byName = new LinkedHashMap<>();

  public Parameters(List<TensorSpec> specs) {
    this(specs, new float[totalSize(specs)]);
  }

  public Parameters(List<TensorSpec> specs, float[] data) {
    if (data.length != totalSize(specs)) {
      throw new IllegalArgumentException(
          "parameter buffer has " + data.length + " floats, layout needs " + totalSize(specs));
    }
    this.specs = index(specs);
    this.data = data;
    this.halves = null;
  }

  private Parameters(List<TensorSpec> specs, short[][] halves) {
    this.specs = index(specs);
    this.data = null;
    this.halves = halves;
  }

  /** Zeros in {@code specs}'s layout, held in bfloat16: one array per tensor. */
  public static Parameters bfloat16(List<TensorSpec> specs) {
    contiguous(specs);
    short[][] halves = new short[specs.size()][];
    for (int t = 0; t < halves.length; t++) halves[t] = new short[specs.get(t).size()];
    return new Parameters(specs, halves);
  }

  private List<TensorSpec> index(List<TensorSpec> specs) {
    List<TensorSpec> copy = List.copyOf(specs);
    for (int t = 0; t < copy.size(); t++) {
      if (byName.put(copy.get(t).name(), t) != null) {
        throw new IllegalArgumentException("tensor " + copy.get(t).name() + " appears twice");
      }
    }
    return copy;
  }

  public Precision precision() {
    return data != null ? Precision.FLOAT32 : Precision.BFLOAT16;
  }

  /** The flat float32 buffer; refused for a model held in bfloat16, which cannot be trained. */
  public float[] data() {
    if (data == null) {
      throw new IllegalStateException("these " + String.format("%,d", count()) + " parameters are held in"
          + " bfloat16, for scoring and perturbation only; training needs them in float32");
    }
    return data;
  }

  /** Tensor {@code t}'s bfloat16 bits (in {@link #specs} order); only for a bfloat16 model. */
  public short[] bfloat16(int t) {
    if (halves == null) throw new IllegalStateException("parameters are held in float32, not bfloat16");
    return halves[t];
  }

  public List<TensorSpec> specs() {
    return specs;
  }

  /** Floats in {@link #data}: the number of parameters of a float32 model. */
  public int size() {
    return data().length;
  }

  /** Number of parameters, in either precision. */
  public long count() {
    long n = 0;
    for (TensorSpec s : specs) n += s.size();
    return n;
  }

  /** The tensor of this name; an error listing the known names when there is none. */
  public TensorSpec spec(String name) {
    return specs.get(indexOf(name));
  }

  /** Where the tensor of this name is in {@link #specs}. */
  public int indexOf(String name) {
    Integer t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor named " + name + "; have " + byName.keySet());
    }
    return t;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  /** A deep copy: same layout and precision, its own numbers. */
  public Parameters copy() {
    if (data != null) return new Parameters(specs, data.clone());
    short[][] copy = new short[halves.length][];
    for (int t = 0; t < copy.length; t++) copy[t] = halves[t].clone();
    return new Parameters(specs, copy);
  }

  private static int totalSize(List<TensorSpec> specs) {
    long n = contiguous(specs);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(n + " parameters are more than one float32 array holds"
          + " (2^31 - 1); hold them in bfloat16 (Parameters.bfloat16) to score or perturb such a model");
    }
    return (int) n;
  }

  /** The number of elements of a layout whose tensors follow one another without gaps. */
  private static long contiguous(List<TensorSpec> specs) {
    long n = 0;
    for (TensorSpec s : specs) {
      if (s.offset() != n) {
        throw new IllegalArgumentException(
            "tensor " + s.name() + " starts at " + s.offset() + ", expected " + n + " (contiguous)");
      }
      n += s.size();
    }
    return n;
  }
}
