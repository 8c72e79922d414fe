package overtrain.kernels;

/**
 * bfloat16, the high half of a float32 (same sign and exponent, 7 mantissa bits): the form large
 * published checkpoints come in, and the one a model too large for float32 is held in here.
 * Widening is exact; narrowing rounds.
 */
public final class BFloat16 {
  private BFloat16() {}

  /** The float32 a bfloat16 stands for, exactly. */
  public static float toFloat(short h) {
    return Float.intBitsToFloat(h << 16);
  }

  /** float32 to bfloat16, rounded to the nearest, ties to even; a NaN stays a (quiet) NaN. */
  public static short round(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }
}
