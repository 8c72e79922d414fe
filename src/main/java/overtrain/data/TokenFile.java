package overtrain.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import overtrain.formats.Npy;

/**
 * A 1-D {@code .npy} file of token ids (uint16 or uint32), memory-mapped. Every id is checked
 * against the vocabulary when the file is opened (one sequential pass, cheap next to training
 * on it), so that a bad id is reported with its file and position instead of surfacing as an
 * index error deep inside the model.
 */
public final class TokenFile {
  private final Path file;
  private final Npy.Array array;
  private final long length;

  private TokenFile(Path file, Npy.Array array) {
    this.file = file;
    this.array = array;
    this.length = array.length();
  }

  /** Opens {@code file} and checks that it is a 1-D uint16/uint32 array of ids below {@code vocab}. */
  public static TokenFile open(Path file, int vocab) throws IOException {
    Npy.Array a = Npy.read(file, Npy.TOKEN_IDS);
    if (a.shape().length != 1) {
      throw new IOException(file + ": token file must be 1-D, got shape " + Arrays.toString(a.shape()));
    }
    long n = a.length();
    for (long i = 0; i < n; i++) {
      long id = a.getLong(i);
      if (id >= vocab) {
        throw new IOException(file + ": token id " + id + " at position " + i
            + " is outside the vocabulary of " + vocab);
      }
    }
    return new TokenFile(file, a);
  }

  public Path file() {
    return file;
  }

  /** Number of tokens. */
  public long length() {
    return length;
  }

  /** Copies tokens [start, start + n) into {@code dst} from {@code offset}. */
  public void read(long start, int[] dst, int offset, int n) {
    if (start < 0 || n < 0 || start + n > length) {
      throw new IndexOutOfBoundsException(file + ": tokens [" + start + ", " + (start + n)
          + ") outside a file of " + length);
    }
    for (int i = 0; i < n; i++) dst[offset + i] = (int) array.getLong(start + i);
  }
}
