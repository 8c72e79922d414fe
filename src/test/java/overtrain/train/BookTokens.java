package overtrain.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import overtrain.formats.Npy;

/** The committed public-domain book as byte-level tokens (vocabulary 256), split 90/10. */
final class BookTokens {
  private BookTokens() {}

  static int[] bytes() throws IOException {
    try (InputStream in = BookTokens.class.getResourceAsStream("burgess-busterbrown.txt")) {
      if (in == null) throw new IOException("test resource burgess-busterbrown.txt is missing");
      byte[] raw = in.readAllBytes();
      int[] ids = new int[raw.length];
      for (int i = 0; i < raw.length; i++) ids[i] = raw[i] & 0xFF;
      return ids;
    }
  }

  /** Writes train.npy (first 90%) and heldout.npy (last 10%) into {@code dir}. */
  static void write(Path dir) throws IOException {
    int[] ids = bytes();
    int split = ids.length * 9 / 10;
    Npy.writeTokens(dir.resolve("train.npy"), ids, split);
    int[] heldout = Arrays.copyOfRange(ids, split, ids.length);
    Npy.writeTokens(dir.resolve("heldout.npy"), heldout, heldout.length);
  }
}
