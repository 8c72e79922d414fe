package overtrain.data.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import overtrain.data.fetch.Packages;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 60,000 training and 10,000 test images of
 * clothing, 28x28 grayscale, in ten kinds, from Debian's {@code dataset-fashion-mnist}. The
 * package's .deb is checked against apt's lists when fetched ({@link Packages#fetchDebian}),
 * and each IDX file it holds against the sha256 pinned here, so a different build of the
 * package is refused rather than silently read.
 */
public final class FashionMnist {
  public static final String PACKAGE = "dataset-fashion-mnist";
  public static final String VERSION = "0.0~git20200523.55506a9-1";
  public static final String LICENCE = "MIT (Expat)";
  public static final int SIZE = 28;

  /** The ten kinds in label order (0 = T-shirt/top ... 9 = ankle boot), as the dataset names them. */
  public static final List<String> KINDS = List.of("T-shirt/top", "trouser", "pullover", "dress", "coat",
      "sandal", "shirt", "sneaker", "bag", "ankle boot");

  private static final String DIR = "usr/share/datasets/fashion-mnist/";
  static final Map<String, String> SHA256 = Map.of(
      "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
      "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
      "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
      "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05");

  private FashionMnist() {}

  /** One split: images [count][28*28] as 8-bit intensities, labels 0..9. */
  public record Split(byte[] pixels, byte[] labels, int count) {
    public GrayImage image(int i) {
      return GrayImage.ofBytes(SIZE, SIZE, pixels, i * SIZE * SIZE);
    }

    public int label(int i) {
      return labels[i];
    }
  }

  /** Both splits and what was fetched (for a manifest). */
  public record Data(Split train, Split test, Packages.Fetched fetched) {}

  /** Fetches (or reuses from {@code cache}) the pinned package, checks and reads it. */
  public static Data fetch(Path cache) throws IOException {
    Packages.Fetched f = Packages.fetchDebian(PACKAGE, VERSION, cache);
    return read(f.root().resolve(DIR), f);
  }

  /** Reads the four IDX files from {@code dir}, checking each against its pinned sha256. */
  static Data read(Path dir, Packages.Fetched fetched) throws IOException {
    return new Data(split(dir, "train"), split(dir, "t10k"), fetched);
  }

  private static Split split(Path dir, String prefix) throws IOException {
    Idx.Bytes images = Idx.read(checked(dir, prefix + "-images-idx3-ubyte.gz"), 3);
    Idx.Bytes labels = Idx.read(checked(dir, prefix + "-labels-idx1-ubyte.gz"), 1);
    if (images.dims()[1] != SIZE || images.dims()[2] != SIZE) {
      throw new IOException(dir + "/" + prefix + ": images are " + images.dims()[1] + "x" + images.dims()[2] + ", expected 28x28");
    }
    if (images.count() != labels.count()) {
      throw new IOException(dir + "/" + prefix + ": " + images.count() + " images but " + labels.count() + " labels");
    }
    for (byte b : labels.data()) {
      if (b < 0 || b >= KINDS.size()) throw new IOException(dir + "/" + prefix + ": label " + b + " outside 0..9");
    }
    return new Split(images.data(), labels.data(), images.count());
  }

  private static Path checked(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    String actual = HexFormat.of().formatHex(Packages.sha256(file));
    if (!actual.equals(SHA256.get(name))) {
      throw new IOException(file + ": sha256 " + actual + ", pinned " + SHA256.get(name) + " (" + PACKAGE + " " + VERSION + ")");
    }
    return file;
  }
}
