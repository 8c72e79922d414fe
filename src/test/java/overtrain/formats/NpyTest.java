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
}
