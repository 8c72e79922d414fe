package overtrain.multimodal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import overtrain.data.images.GrayImage;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * The vision encoder: the image cut into a grid of square patches, each patch projected on the
 * leading principal components of all training patches, scaled to a mean square of 1. A patch is one visual token, as a ViT's patches are in
 * LLaVA; the components are shared by every grid position, like a convolution's filters.
 *
 * <p>Why principal components and not a trained network: the encoder must be frozen while the
 * language model is tuned, and fitted once, deterministically, on the task's own training
 * images (a user's images included), in seconds on a CPU. PCA is the optimal linear
 * autoencoder of the patches, so the features keep as much of each patch as {@code dims}
 * numbers can; what fraction of the variance they keep is recorded beside them
 * ({@link #varianceExplained}). All components are divided by one scale, so that the features'
 * mean square is 1 on the training patches (the scale the projector's initialisation expects).
 * They are not whitened one by one: that would raise the faint components, mostly noise, to the
 * strong ones' size, and a projector then learns the noise of each training image as readily as
 * its shape (seen on a synthetic task: memorised, chance on held-out images).
 */
public final class PatchEncoder {
  /** Scaling floor: patches with (numerically) no variance are not blown up. */
  private static final double MIN_VARIANCE = 1e-12;

  private final int width, height, patch, dims;
  private final double[] mean; // [patch*patch]
  private final double[][] components; // [dims][patch*patch], unit length
  private final double[] variances; // [dims], eigenvalues, descending
  private final double varianceExplained;
  private final int fittedOn;

  private PatchEncoder(int width, int height, int patch, int dims, double[] mean, double[][] components,
      double[] variances, double varianceExplained, int fittedOn) {
    this.width = width;
    this.height = height;
    this.patch = patch;
    this.dims = dims;
    this.mean = mean;
    this.components = components;
    this.variances = variances;
    this.varianceExplained = varianceExplained;
    this.fittedOn = fittedOn;
  }

  /**
   * Fits the encoder on {@code images} (all the same size, divisible into {@code patch} x
   * {@code patch} squares): the mean patch and the {@code dims} leading eigenvectors of the
   * patches' covariance, in double precision.
   */
  public static PatchEncoder fit(List<GrayImage> images, int patch, int dims) {
    if (images.isEmpty()) throw new IllegalArgumentException("no images to fit the encoder on");
    int w = images.get(0).width(), h = images.get(0).height();
    if (patch < 1 || w % patch != 0 || h % patch != 0) {
      throw new IllegalArgumentException("patch " + patch + " does not divide the " + w + "x" + h + " images");
    }
    int pp = patch * patch;
    if (dims < 1 || dims > pp) throw new IllegalArgumentException("dims must be in 1.." + pp + ", got " + dims);
    double[] mean = new double[pp];
    double[] cov = new double[pp * pp];
    double[] x = new double[pp];
    long count = 0;
    for (GrayImage img : images) {
      requireSize(img, w, h);
      for (int py = 0; py < h; py += patch) {
        for (int px = 0; px < w; px += patch) {
          read(img, px, py, patch, x);
          for (int i = 0; i < pp; i++) mean[i] += x[i];
          // upper triangle only; mirrored below
          for (int i = 0; i < pp; i++) {
            double xi = x[i];
            int row = i * pp;
            for (int j = i; j < pp; j++) cov[row + j] += xi * x[j];
          }
          count++;
        }
      }
    }
    for (int i = 0; i < pp; i++) mean[i] /= count;
    for (int i = 0; i < pp; i++) {
      for (int j = i; j < pp; j++) {
        double c = cov[i * pp + j] / count - mean[i] * mean[j];
        cov[i * pp + j] = c;
        cov[j * pp + i] = c;
      }
    }
    double total = 0;
    for (int i = 0; i < pp; i++) total += cov[i * pp + i];
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(pp, true, true);
    if (!eig.decompose(new DMatrixRMaj(pp, pp, true, cov))) {
      throw new IllegalStateException("the patch covariance's eigendecomposition failed");
    }
    Integer[] order = new Integer[pp];
    double[] values = new double[pp];
    for (int i = 0; i < pp; i++) {
      order[i] = i;
      values[i] = eig.getEigenvalue(i).getReal();
    }
    // descending eigenvalue, ties by index, so the order is a function of the values alone
    Arrays.sort(order, (a, b) -> values[a] != values[b] ? Double.compare(values[b], values[a]) : Integer.compare(a, b));
    double[][] comps = new double[dims][];
    double[] vars = new double[dims];
    double kept = 0;
    for (int k = 0; k < dims; k++) {
      DMatrixRMaj v = eig.getEigenVector(order[k]);
      double[] c = new double[pp];
      double norm = 0;
      int big = 0;
      for (int i = 0; i < pp; i++) {
        c[i] = v.get(i, 0);
        norm += c[i] * c[i];
        if (Math.abs(c[i]) > Math.abs(c[big])) big = i;
      }
      // an eigenvector's sign is arbitrary: fix it so that its largest entry is positive
      double s = (c[big] < 0 ? -1 : 1) / Math.sqrt(norm);
      for (int i = 0; i < pp; i++) c[i] *= s;
      comps[k] = c;
      vars[k] = Math.max(0, values[order[k]]);
      kept += vars[k];
    }
    return new PatchEncoder(w, h, patch, dims, mean, comps, vars, total > 0 ? kept / total : 1, images.size());
  }

  /** Visual tokens per image. */
  public int tokens() {
    return (width / patch) * (height / patch);
  }

  /** Features per visual token. */
  public int dims() {
    return dims;
  }

  public int patch() {
    return patch;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The share of the training patches' variance the {@link #dims} components keep. */
  public double varianceExplained() {
    return varianceExplained;
  }

  public int fittedOn() {
    return fittedOn;
  }

  /** The image's features, [tokens][dims] row-major, patches in reading order. */
  public float[] encode(GrayImage img) {
    requireSize(img, width, height);
    int pp = patch * patch;
    float[] out = new float[tokens() * dims];
    double[] x = new double[pp];
    double kept = 0;
    for (double v : variances) kept += v;
    double scale = 1 / Math.sqrt(Math.max(kept / dims, MIN_VARIANCE));
    int t = 0;
    for (int py = 0; py < height; py += patch) {
      for (int px = 0; px < width; px += patch, t++) {
        read(img, px, py, patch, x);
        for (int k = 0; k < dims; k++) {
          double[] c = components[k];
          double dot = 0;
          for (int i = 0; i < pp; i++) dot += (x[i] - mean[i]) * c[i];
          out[t * dims + k] = (float) (dot * scale);
        }
      }
    }
    return out;
  }

  private static void requireSize(GrayImage img, int w, int h) {
    if (img.width() != w || img.height() != h) {
      throw new IllegalArgumentException("image is " + img.width() + "x" + img.height() + ", the encoder takes " + w + "x" + h);
    }
  }

  private static void read(GrayImage img, int px, int py, int patch, double[] x) {
    float[] p = img.pixels();
    int w = img.width();
    for (int r = 0; r < patch; r++) {
      for (int c = 0; c < patch; c++) x[r * patch + c] = p[(py + r) * w + px + c];
    }
  }

  /** Writes the encoder as JSON (doubles written exactly: Jackson prints the shortest round-tripping form). */
  public void save(Path file) throws IOException {
    ObjectNode n = Json.object();
    n.put("kind", "patch_pca");
    n.put("width", width);
    n.put("height", height);
    n.put("patch", patch);
    n.put("dims", dims);
    n.put("tokens", tokens());
    n.put("fitted_on_images", fittedOn);
    n.put("variance_explained", varianceExplained);
    ArrayNode v = n.putArray("variances");
    for (double d : variances) v.add(d);
    ArrayNode m = n.putArray("mean");
    for (double d : mean) m.add(d);
    ArrayNode cs = n.putArray("components");
    for (double[] c : components) {
      ArrayNode a = cs.addArray();
      for (double d : c) a.add(d);
    }
    AtomicWrite.writeString(file, Json.MAPPER.writeValueAsString(n) + "\n");
  }

  public static PatchEncoder load(Path file) throws IOException {
    JsonNode n = Json.MAPPER.readTree(Files.readString(file));
    if (!"patch_pca".equals(n.path("kind").asText())) throw new IOException(file + ": not a patch_pca encoder");
    int patch = n.get("patch").asInt(), dims = n.get("dims").asInt();
    double[][] comps = new double[dims][];
    for (int k = 0; k < dims; k++) comps[k] = doubles(n.get("components").get(k));
    return new PatchEncoder(n.get("width").asInt(), n.get("height").asInt(), patch, dims,
        doubles(n.get("mean")), comps, doubles(n.get("variances")), n.get("variance_explained").asDouble(),
        n.get("fitted_on_images").asInt());
  }

  private static double[] doubles(JsonNode a) {
    List<Double> out = new ArrayList<>();
    a.forEach(e -> out.add(e.asDouble()));
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
