package overtrain.formats;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  @Test
  void tokensRoundTripAsUint16WhenTheyFit() throws IOException {
    Path f = dir.resolve("t.npy");
    Npy.writeTokens(f, new int[] {0, 65535, 7, 99}, 4);
    Npy.Array a = Npy.read(f);
    assertEquals(Npy.DType.UINT16, a.dtype());
    assertArrayEquals(new long[] {4}, a.shape());
    assertEquals(65535, a.getLong(1));
    assertEquals(99, a.getLong(3));
    assertEquals(0, (Files.size(f) - 4 * 2) % 64, "header padded to 64 bytes as NumPy does");
  }

  @Test
  void largeIdsUseUint32() throws IOException {
    Path f = dir.resolve("t.npy");
    Npy.writeTokens(f, new int[] {70000, 1}, 2);
    Npy.Array a = Npy.read(f);
    assertEquals(Npy.DType.UINT32, a.dtype());
    assertEquals(70000, a.getLong(0));
  }

  @Test
  void floatsKeepTheirShape() throws IOException {
    Path f = dir.resolve("w.npy");
    Npy.writeFloats(f, new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 2, 3);
    Npy.Array a = Npy.read(f);
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertEquals(-2f, a.getFloat(1));
  }

  @Test
  void badFilesNameTheFileAndTheFault() throws IOException {
    Path f = dir.resolve("bad.npy");
    Files.writeString(f, "hello, this is not numpy");
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains("bad.npy") && e.getMessage().contains("magic"), e.getMessage());

    Path g = dir.resolve("short.npy");
    Npy.writeTokens(g, new int[] {1, 2, 3, 4}, 4);
    byte[] all = Files.readAllBytes(g);
    Files.write(g, java.util.Arrays.copyOf(all, all.length - 2));
    e = assertThrows(IOException.class, () -> Npy.read(g));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  /** A hand-made .npy: magic, version, header length as given, then the header text and data. */
  private Path raw(String name, int major, long headerLen, String header, int dataBytes) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + header.length() + dataBytes)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}).put((byte) major).put((byte) 0);
    if (major == 1) b.putShort((short) headerLen);
    else b.putInt((int) headerLen);
    b.put(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Path f = dir.resolve(name);
    Files.write(f, java.util.Arrays.copyOf(b.array(), b.position() + dataBytes));
    return f;
  }

  /** Where only token ids are read, the message lists exactly the dtypes taken there. */
  @Test
  void theDtypesListedAreTheDtypesTaken() throws IOException {
    Path floats = dir.resolve("f.npy");
    Npy.writeFloats(floats, new float[] {1, 2}, 2);
    assertEquals(Npy.DType.FLOAT32, Npy.read(floats).dtype());
    IOException e = assertThrows(IOException.class, () -> Npy.read(floats, Npy.TOKEN_IDS));
    assertTrue(e.getMessage().contains("f.npy") && e.getMessage().contains("'<f4'")
        && e.getMessage().endsWith("expected one of <u2 (uint16), <u4 (uint32)"), e.getMessage());

    Path i8 = raw("i8.npy", 1, 64, String.format("%-63s\n", "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"), 16);
    e = assertThrows(IOException.class, () -> Npy.read(i8));
    assertTrue(e.getMessage().contains("'<i8'")
        && e.getMessage().endsWith("expected one of <u2 (uint16), <u4 (uint32), <i4 (int32), <f4 (float32)"),
        e.getMessage());
  }

  /** Header lengths and shapes from the file are checked against it before anything is allocated. */
  @Test
  void headerSizesAreBoundedByTheFile() throws IOException {
    Path negative = raw("negative.npy", 2, -8, "", 0);
    IOException e = assertThrows(IOException.class, () -> Npy.read(negative));
    assertTrue(e.getMessage().contains("negative.npy") && e.getMessage().contains("header length 4294967288")
        && e.getMessage().contains("does not fit a file of 12 bytes"), e.getMessage());
    Path huge = raw("huge.npy", 2, 2_000_000_000, "{}", 0);
    e = assertThrows(IOException.class, () -> Npy.read(huge));
    assertTrue(e.getMessage().contains("header length 2000000000"), e.getMessage());
    // the largest length a version 2 header can give: past int's range once the prefix is added
    Path largest = raw("largest.npy", 2, Integer.MAX_VALUE, "  ", 0);
    e = assertThrows(IOException.class, () -> Npy.read(largest));
    assertTrue(e.getMessage().contains("header length 2147483647")
        && e.getMessage().contains("does not fit a file of 14 bytes"), e.getMessage());

    String big = "{'descr': '<u2', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
    Path overflow = raw("overflow.npy", 1, 80, String.format("%-79s\n", big), 0);
    e = assertThrows(IOException.class, () -> Npy.read(overflow));
    assertTrue(e.getMessage().contains("overflow.npy") && e.getMessage().contains("more than 2^63"), e.getMessage());
    String minus = "{'descr': '<u2', 'fortran_order': False, 'shape': (-2,), }";
    Path negativeShape = raw("minus.npy", 1, 64, String.format("%-63s\n", minus), 0);
    e = assertThrows(IOException.class, () -> Npy.read(negativeShape));
    assertTrue(e.getMessage().contains("minus.npy") && e.getMessage().contains("negative"), e.getMessage());
  }
}
