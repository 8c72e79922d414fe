package overtrain.data.images;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (gzipped): a big-endian magic number whose third
 * byte is the element type (0x08, unsigned byte, is the only one those files use) and whose
 * fourth is the number of dimensions, then each dimension as a big-endian int, then the data.
 */
public final class Idx {
  private Idx() {}

  /** Unsigned-byte IDX data: its dimensions and the bytes, row-major. */
  public record Bytes(int[] dims, byte[] data) {
    public int count() {
      return dims[0];
    }
  }

  /** Reads a gzipped (name ends in .gz) or plain IDX file of unsigned bytes with {@code rank} dimensions. */
  public static Bytes read(Path file, int rank) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw)) {
      return read(file, rank, in);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated inside the IDX header");
    } catch (IOException e) {
      // a gzip stream's own errors do not name the file
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static Bytes read(Path file, int rank, DataInputStream in) throws IOException {
    int magic = in.readInt();
    if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != 0x08) {
      throw new IOException(file + ": not an unsigned-byte IDX file (magic 0x" + Integer.toHexString(magic) + ")");
    }
    if ((magic & 0xFF) != rank) {
      throw new IOException(file + ": expected " + rank + " dimensions, the header says " + (magic & 0xFF));
    }
    int[] dims = new int[rank];
    long total = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = in.readInt();
      if (dims[i] < 1) throw new IOException(file + ": dimension " + i + " is " + dims[i]);
      total *= dims[i];
      if (total > Integer.MAX_VALUE - 8) throw new IOException(file + ": dimensions " + java.util.Arrays.toString(
          java.util.Arrays.copyOf(dims, i + 1)) + " make more bytes than one array holds");
    }
    // read as the data comes, not allocated from the header's word: a damaged header must not
    // cost gigabytes before the file is found short
    byte[] data = in.readNBytes((int) total);
    if (data.length < total) {
      throw new IOException(file + ": truncated: the header promises " + total + " bytes of data, the file has "
          + data.length);
    }
    if (in.read() != -1) throw new IOException(file + ": data continues past the " + total + " bytes the header gives");
    return new Bytes(dims, data);
  }
}
