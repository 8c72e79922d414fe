package overtrain.data.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files and image files, on small files the test writes. */
class ImagesTest {
  @TempDir Path dir;

  /** Writes a gzipped unsigned-byte IDX file; {@code extra} bytes past what the header promises. */
  static Path idx(Path file, int[] dims, byte[] data, int extra) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeInt(0x0800 | dims.length);
      for (int d : dims) out.writeInt(d);
      out.write(data);
      out.write(new byte[extra]);
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(b.toByteArray());
    }
    return file;
  }

  @Test
  void idxRoundTripsAndRefusesAWrongShapeOrLength() throws IOException {
    byte[] data = new byte[2 * 3 * 4];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 11);
    Idx.Bytes read = Idx.read(idx(dir.resolve("a.gz"), new int[] {2, 3, 4}, data, 0), 3);
    assertArrayEquals(new int[] {2, 3, 4}, read.dims());
    assertArrayEquals(data, read.data());
    IOException rank = assertThrows(IOException.class, () -> Idx.read(dir.resolve("a.gz"), 1));
    assertTrue(rank.getMessage().contains("expected 1 dimensions"), rank.getMessage());
    Path truncated = idx(dir.resolve("t.gz"), new int[] {2, 3, 5}, data, 0);
    IOException t = assertThrows(IOException.class, () -> Idx.read(truncated, 3));
    assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    Path longer = idx(dir.resolve("l.gz"), new int[] {2, 3, 4}, data, 1);
    IOException l = assertThrows(IOException.class, () -> Idx.read(longer, 3));
    assertTrue(l.getMessage().contains("continues past"), l.getMessage());
    // a header that promises 2 GB over a few bytes is found short, not allocated
    Path promise = idx(dir.resolve("p.gz"), new int[] {60000, 28, 1270}, data, 0);
    IOException p = assertThrows(IOException.class, () -> Idx.read(promise, 3));
    assertTrue(p.getMessage().contains("promises 2133600000 bytes of data, the file has 24"), p.getMessage());
    Path huge = idx(dir.resolve("h.gz"), new int[] {1 << 20, 1 << 20, 2}, data, 0);
    IOException h = assertThrows(IOException.class, () -> Idx.read(huge, 3));
    assertTrue(h.getMessage().contains("more bytes than one array holds"), h.getMessage());
    Path notGzip = Files.write(dir.resolve("n.gz"), new byte[] {1, 2, 3, 4});
    IOException n = assertThrows(IOException.class, () -> Idx.read(notGzip, 3));
    assertTrue(n.getMessage().startsWith(notGzip.toString()), n.getMessage());
  }

  /** A PNG whose header claims more pixels than may be held is refused before it is decoded. */
  @Test
  void anImageClaimingTooManyPixelsIsRefusedBeforeItIsDecoded() throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeBytes("IHDR");
    h.writeInt(100_000); // width
    h.writeInt(100_000); // height
    h.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit gray, no interlace
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(ihdr.toByteArray());
    out.writeInt(13);
    out.write(ihdr.toByteArray());
    out.writeInt((int) crc.getValue());
    Path file = Files.write(dir.resolve("huge.png"), png.toByteArray());
    IOException e = assertThrows(IOException.class, () -> ImageFiles.read(file));
    assertTrue(e.getMessage().contains("huge.png: 100000x100000 pixels, more than"), e.getMessage());
  }

  @Test
  void aPngRoundTripsEveryIntensityExactly() throws IOException {
    byte[] bytes = new byte[16 * 16];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i; // all 256 values
    GrayImage img = GrayImage.ofBytes(16, 16, bytes, 0);
    Path png = dir.resolve("x/y.png");
    ImageFiles.writePng(png, img);
    GrayImage back = ImageFiles.read(png);
    assertEquals(img, back);
    assertArrayEquals(bytes, back.toBytes());
  }

  @Test
  void aMissingOrUndecodableImageIsNamed() throws IOException {
    IOException missing = assertThrows(IOException.class, () -> ImageFiles.read(dir.resolve("none.png")));
    assertTrue(missing.getMessage().contains("none.png") && missing.getMessage().contains("no such image"), missing.getMessage());
    Path text = Files.writeString(dir.resolve("text.png"), "not an image");
    IOException bad = assertThrows(IOException.class, () -> ImageFiles.read(text));
    assertTrue(bad.getMessage().contains("text.png"), bad.getMessage());
  }

  @Test
  void fashionMnistRefusesAFileWhoseChecksumIsNotThePinnedOne() throws IOException {
    Path d = Files.createDirectories(dir.resolve("fm"));
    idx(d.resolve("train-images-idx3-ubyte.gz"), new int[] {1, 28, 28}, new byte[784], 0);
    IOException e = assertThrows(IOException.class, () -> FashionMnist.read(d, null));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz") && e.getMessage().contains("pinned"), e.getMessage());
  }
}
