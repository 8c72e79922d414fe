package overtrain.data.images;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import overtrain.io.AtomicWrite;

/**
 * Image files as {@link GrayImage}s: whatever {@code javax.imageio} reads (PNG, JPEG, BMP, GIF),
 * colour turned to luminance (ITU-R BT.601 weights, as PIL's {@code convert("L")}), and 8-bit
 * grayscale PNG written.
 */
public final class ImageFiles {
  private ImageFiles() {}

  /** Most pixels an image may have: its size is checked before it is decoded. */
  static final long MAX_PIXELS = 1L << 24;

  /** Reads an image; a missing, undecodable or huge file is an IOException naming it. */
  public static GrayImage read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such image file");
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IOException(file + ": not an image format Java reads (PNG, JPEG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        // the header's size first: a few damaged bytes may claim a billion pixels
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new IOException(file + ": " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels, more than the "
              + MAX_PIXELS + " an image may have here");
        }
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
      throw new IOException(file + ": not a readable image: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a readable image: " + e);
    }
    int w = img.getWidth(), h = img.getHeight();
    float[] p = new float[w * h];
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      // read the stored bytes: getRGB would pass them through a colour-space conversion
      Raster r = img.getRaster();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) p[y * w + x] = r.getSample(x, y, 0) / 255f;
      }
    } else {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int rgb = img.getRGB(x, y);
          int red = (rgb >> 16) & 0xFF, green = (rgb >> 8) & 0xFF, blue = rgb & 0xFF;
          p[y * w + x] = (float) ((0.299 * red + 0.587 * green + 0.114 * blue) / 255.0);
        }
      }
    }
    return new GrayImage(w, h, p);
  }

  /** Writes an 8-bit grayscale PNG, atomically. */
  public static void writePng(Path file, GrayImage image) throws IOException {
    BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, image.width(), image.height(), image.toBytes());
    AtomicWrite.write(file, out -> {
      if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this Java runtime");
    });
  }
}
