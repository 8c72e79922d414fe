package overtrain.data.images;

import java.util.Arrays;

/**
 * A grayscale image as intensities in [0, 1], row-major: pixel (row r, column c) at
 * {@code r * width + c}. 0 is black; Fashion-MNIST draws the garment light on black.
 */
public record GrayImage(int width, int height, float[] pixels) {
  public GrayImage {
    if (width < 1 || height < 1) throw new IllegalArgumentException("image size " + width + "x" + height);
    if (pixels.length != width * height) {
      throw new IllegalArgumentException(width + "x" + height + " image needs " + width * height
          + " pixels, got " + pixels.length);
    }
  }

  /** From 8-bit intensities (0..255, unsigned), as IDX files and 8-bit PNGs hold them. */
  public static GrayImage ofBytes(int width, int height, byte[] data, int offset) {
    float[] p = new float[width * height];
    for (int i = 0; i < p.length; i++) p[i] = (data[offset + i] & 0xFF) / 255f;
    return new GrayImage(width, height, p);
  }

  /** The 8-bit intensities this image holds (each pixel rounded to the nearest of 0..255). */
  public byte[] toBytes() {
    byte[] b = new byte[pixels.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Math.round(Math.max(0, Math.min(1, pixels[i])) * 255);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GrayImage g && width == g.width && height == g.height && Arrays.equals(pixels, g.pixels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pixels) * 31 + width;
  }
}
