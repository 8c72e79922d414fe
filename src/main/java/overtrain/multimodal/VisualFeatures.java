package overtrain.multimodal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overtrain.data.fetch.Packages;
import overtrain.data.images.GrayImage;
import overtrain.formats.Npy;
import overtrain.io.AtomicWrite;
import overtrain.tasks.vision.ImageExample;
import overtrain.tasks.vision.ImageTask;

/**
 * The frozen encoder's output, computed once per task folder and cached in {@code
 * DIR/features/}: the encoder ({@code encoder-pP-dD.json}), fitted on the distinct images of
 * the caption and train splits, and each split's features ({@code SPLIT-pP-dD.npy}, float32
 * [examples, tokens, dims]). Each cached file is keyed (a {@code .key} file beside it) by the
 * sha256 of the JSONL it was computed from, the example count, the sha256 of the images' pixels
 * (an image file replaced under the same name changes it) and the encoder's sha256: a changed
 * split, image or encoder recomputes it, an unchanged one is read back bit for bit.
 */
public final class VisualFeatures {
  private VisualFeatures() {}

  /** The encoder of {@code patch} x {@code dims} for the task folder, fitted once and then read back. */
  public static PatchEncoder encoder(Path taskDir, int patch, int dims, List<ImageExample> caption,
      List<ImageExample> train) throws IOException {
    Path file = taskDir.resolve("features").resolve("encoder-p" + patch + "-d" + dims + ".json");
    String key = "fit on caption " + sha(ImageTask.file(taskDir, "caption")) + " (" + caption.size() + ") and train "
        + sha(ImageTask.file(taskDir, "train")) + " (" + train.size() + "), pixels " + pixels(caption, train);
    if (key.equals(readKey(file)) && Files.isRegularFile(file)) return PatchEncoder.load(file);
    Map<Path, GrayImage> distinct = new LinkedHashMap<>();
    for (ImageExample e : caption) distinct.putIfAbsent(e.imageFile(), e.image());
    for (ImageExample e : train) distinct.putIfAbsent(e.imageFile(), e.image());
    PatchEncoder enc;
    try {
      enc = PatchEncoder.fit(new ArrayList<>(distinct.values()), patch, dims);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(taskDir + ": " + e.getMessage(), e);
    }
    enc.save(file);
    writeKey(file, key);
    return enc;
  }

  /** The features of {@code examples} (a split's first records), [example][tokens*dims]. */
  public static float[][] features(Path taskDir, PatchEncoder enc, String split, List<ImageExample> examples)
      throws IOException {
    String tag = "-p" + enc.patch() + "-d" + enc.dims();
    Path file = taskDir.resolve("features").resolve(split + tag + ".npy");
    Path encoderFile = taskDir.resolve("features").resolve("encoder" + tag + ".json");
    String key = split + " " + sha(ImageTask.file(taskDir, split)) + " (" + examples.size() + "), pixels "
        + pixels(examples) + ", encoder " + (Files.isRegularFile(encoderFile) ? sha(encoderFile) : "unsaved");
    int per = enc.tokens() * enc.dims();
    float[][] out = new float[examples.size()][];
    if (key.equals(readKey(file)) && Files.isRegularFile(file)) {
      Npy.Array a = Npy.read(file);
      if (a.length() == (long) examples.size() * per) {
        for (int i = 0; i < out.length; i++) {
          out[i] = new float[per];
          for (int j = 0; j < per; j++) out[i][j] = a.getFloat((long) i * per + j);
        }
        return out;
      }
    }
    float[] flat = new float[examples.size() * per];
    for (int i = 0; i < out.length; i++) {
      ImageExample e = examples.get(i);
      try {
        out[i] = enc.encode(e.image());
      } catch (IllegalArgumentException ex) {
        throw new IOException(e.source() + ": field 'image': " + e.imageFile() + ": " + ex.getMessage());
      }
      System.arraycopy(out[i], 0, flat, i * per, per);
    }
    Npy.writeFloats(file, flat, examples.size(), enc.tokens(), enc.dims());
    writeKey(file, key);
    return out;
  }

  /** The sha256 of the examples' images in order: each one's size and pixels. */
  @SafeVarargs
  private static String pixels(List<ImageExample>... splits) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
    for (List<ImageExample> split : splits) {
      for (ImageExample e : split) {
        GrayImage g = e.image();
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * g.pixels().length);
        b.putInt(g.width()).putInt(g.height());
        for (float p : g.pixels()) b.putInt(Float.floatToRawIntBits(p));
        digest.update(b.array());
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha(Path file) throws IOException {
    return HexFormat.of().formatHex(Packages.sha256(file));
  }

  private static String readKey(Path file) throws IOException {
    Path k = keyFile(file);
    return Files.isRegularFile(k) ? Files.readString(k, StandardCharsets.UTF_8).strip() : null;
  }

  private static void writeKey(Path file, String key) throws IOException {
    AtomicWrite.writeString(keyFile(file), key + "\n");
  }

  private static Path keyFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".key");
  }
}
