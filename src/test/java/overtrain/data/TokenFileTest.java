package overtrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.formats.Npy;

class TokenFileTest {
  @TempDir Path dir;

  @Test
  void readsWindowsOfUint16AndUint32Files() throws IOException {
    for (int big : new int[] {0, 70000}) {
      Path f = dir.resolve("t" + big + ".npy");
      Npy.writeTokens(f, new int[] {5, 6, 7, 8, big}, 5);
      TokenFile t = TokenFile.open(f, 70001);
      assertEquals(5, t.length());
      int[] out = new int[4];
      t.read(2, out, 1, 3);
      assertArrayEquals(new int[] {0, 7, 8, big}, out);
      assertThrows(IndexOutOfBoundsException.class, () -> t.read(3, out, 0, 3));
    }
  }

  @Test
  void idOutsideTheVocabularyNamesFileAndPosition() throws IOException {
    Path f = dir.resolve("bad.npy");
    Npy.writeTokens(f, new int[] {1, 2, 3, 300, 4}, 5);
    IOException e = assertThrows(IOException.class, () -> TokenFile.open(f, 256));
    assertTrue(e.getMessage().contains("bad.npy") && e.getMessage().contains("position 3")
        && e.getMessage().contains("300"), e.getMessage());
  }

  @Test
  void rejectsFloatsAndMatrices() throws IOException {
    Path floats = dir.resolve("f.npy");
    Npy.writeFloats(floats, new float[] {1, 2}, 2);
    assertTrue(assertThrows(IOException.class, () -> TokenFile.open(floats, 10)).getMessage().contains("uint16"));
    Path matrix = dir.resolve("m.npy");
    java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    Npy.write(matrix, Npy.DType.UINT16, new long[] {2, 2}, data);
    assertTrue(assertThrows(IOException.class, () -> TokenFile.open(matrix, 10)).getMessage().contains("1-D"));
  }
}
