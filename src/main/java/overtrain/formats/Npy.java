package overtrain.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import overtrain.io.AtomicWrite;

/**
 * NumPy's {@code .npy} format (version 1.0 and 2.0 headers), little-endian, C order: the
 * format our token files and fixtures share with Python. Reading memory-maps the data, so a
 * token file of any size costs no heap.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** The element types we read and write, by NumPy's type string. */
  public enum DType {
    UINT16("<u2", 2),
    UINT32("<u4", 4),
    INT32("<i4", 4),
    FLOAT32("<f4", 4);

    public final String descr;
    public final int bytes;

    DType(String descr, int bytes) {
      this.descr = descr;
      this.bytes = bytes;
    }

    /** NumPy's name for it, as {@code ids.astype(np.uint16)} spells it. */
    public String numpyName() {
      return switch (this) {
        case UINT16 -> "uint16";
        case UINT32 -> "uint32";
        case INT32 -> "int32";
        case FLOAT32 -> "float32";
      };
    }

    /** {@code descr} as one of {@code accepted}, or an error that lists exactly those. */
    static DType of(String descr, Path file, Set<DType> accepted) throws IOException {
      String d = descr.replace('|', '<').replace('=', '<');
      for (DType t : accepted) if (t.descr.equals(d)) return t;
      StringBuilder names = new StringBuilder();
      for (DType t : accepted) {
        names.append(names.length() == 0 ? "" : ", ").append(t.descr).append(" (").append(t.numpyName()).append(')');
      }
      throw new IOException(file + ": dtype '" + descr + "' is not supported here, expected one of " + names);
    }
  }

  /** The element types of token ids, wherever a token file is read. */
  public static final Set<DType> TOKEN_IDS = Collections.unmodifiableSet(EnumSet.of(DType.UINT16, DType.UINT32));

  /** A memory-mapped array: its element type, shape and little-endian data. */
  public record Array(DType dtype, long[] shape, ByteBuffer data) {
    public long length() {
      long n = 1;
      for (long s : shape) n *= s;
      return n;
    }

    /** Element i as an unsigned integer (token ids); floats are rejected. */
    public long getLong(long i) {
      int at = Math.toIntExact(i * dtype.bytes);
      return switch (dtype) {
        case UINT16 -> Short.toUnsignedInt(data.getShort(at));
        case UINT32 -> Integer.toUnsignedLong(data.getInt(at));
        case INT32 -> data.getInt(at);
        case FLOAT32 -> throw new IllegalStateException("float32 array read as integers");
      };
    }

    public float getFloat(long i) {
      if (dtype != DType.FLOAT32) throw new IllegalStateException(dtype + " array read as floats");
      return data.getFloat(Math.toIntExact(i * 4));
    }
  }

  /** Memory-maps {@code file}, of any element type this class knows. */
  public static Array read(Path file) throws IOException {
    return read(file, EnumSet.allOf(DType.class));
  }

  /**
   * Memory-maps {@code file}, whose element type must be one of {@code accepted}; errors name
   * the file and what was wrong with it.
   */
  public static Array read(Path file, Set<DType> accepted) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, head, 0, file);
      for (int i = 0; i < MAGIC.length; i++) {
        if (head.get(i) != MAGIC[i]) throw new IOException(file + ": not a .npy file (bad magic)");
      }
      int major = head.get(6);
      int prefix; // magic, version and the header's length
      long headerLen; // an unsigned field: as a long, neither it nor prefix + it can wrap
      if (major == 1) {
        prefix = 10;
        headerLen = Short.toUnsignedInt(head.getShort(8));
      } else if (major == 2 || major == 3) {
        prefix = 12;
        headerLen = Integer.toUnsignedLong(head.getInt(8));
      } else {
        throw new IOException(file + ": unsupported .npy version " + major + ", expected 1, 2 or 3");
      }
      // Checked against the file before a buffer of that size is allocated.
      if (headerLen > ch.size() - prefix) {
        throw new IOException(file + ": header length " + headerLen
            + " does not fit a file of " + ch.size() + " bytes");
      }
      long dataStart = prefix + headerLen;
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, prefix, file);
      String header = new String(hb.array(), StandardCharsets.ISO_8859_1);

      DType dtype = DType.of(field(DESCR, header, "descr", file), file, accepted);
      if (field(ORDER, header, "fortran_order", file).equals("True")) {
        throw new IOException(file + ": Fortran-ordered arrays are not supported; save with C order");
      }
      long[] shape = parseShape(field(SHAPE, header, "shape", file), file);
      long bytes = dtype.bytes;
      try {
        for (long s : shape) bytes = Math.multiplyExact(bytes, s);
      } catch (ArithmeticException e) {
        throw new IOException(file + ": shape " + java.util.Arrays.toString(shape) + " holds more than 2^63 bytes");
      }
      if (bytes > ch.size() - dataStart) { // not dataStart + bytes, which can pass 2^63
        throw new IOException(file + ": truncated, header promises " + bytes + " bytes of data, file has "
            + (ch.size() - dataStart));
      }
      if (bytes > Integer.MAX_VALUE) {
        throw new IOException(file + ": " + bytes + " bytes is more than one mapping holds (2 GiB); split it into shards");
      }
      ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, bytes).order(ByteOrder.LITTLE_ENDIAN);
      return new Array(dtype, shape, data);
    }
  }

  /** Writes a 1-D integer array, uint16 when every value fits, else uint32. */
  public static void writeTokens(Path file, int[] ids, int length) throws IOException {
    int max = 0;
    for (int i = 0; i < length; i++) {
      if (ids[i] < 0) throw new IllegalArgumentException("token id " + ids[i] + " at " + i + " is negative");
      max = Math.max(max, ids[i]);
    }
    DType dtype = max <= 0xFFFF ? DType.UINT16 : DType.UINT32;
    ByteBuffer data = ByteBuffer.allocate(length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < length; i++) {
      if (dtype == DType.UINT16) data.putShort((short) ids[i]);
      else data.putInt(ids[i]);
    }
    write(file, dtype, new long[] {length}, data.flip());
  }

  /** Writes a float32 array of the given shape. */
  public static void writeFloats(Path file, float[] values, long... shape) throws IOException {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    write(file, DType.FLOAT32, shape, data);
  }

  /** Writes header and data to a temporary file beside {@code file}, then renames it over. */
  public static void write(Path file, DType dtype, long[] shape, ByteBuffer data) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long s : shape) dims.append(s).append(", ");
    if (shape.length > 1) dims.setLength(dims.length() - 1);
    String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int unpadded = 10 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).flip();

    AtomicWrite.writeChannel(file, ch -> {
      while (head.hasRemaining()) ch.write(head);
      ByteBuffer h = ByteBuffer.wrap(header.getBytes(StandardCharsets.ISO_8859_1));
      while (h.hasRemaining()) ch.write(h);
      ByteBuffer d = data.duplicate();
      while (d.hasRemaining()) ch.write(d);
    });
  }

  private static String field(Pattern p, String header, String name, Path file) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) throw new IOException(file + ": header has no '" + name + "' field: " + header.trim());
    return m.group(1);
  }

  private static long[] parseShape(String dims, Path file) throws IOException {
    String[] parts = dims.split(",");
    int n = 0;
    long[] shape = new long[parts.length];
    for (String p : parts) {
      String t = p.trim();
      if (t.isEmpty()) continue;
      try {
        shape[n] = Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": bad shape (" + dims + "), expected sizes separated by commas");
      }
      if (shape[n++] < 0) throw new IOException(file + ": bad shape (" + dims + "), a size is negative");
    }
    return java.util.Arrays.copyOf(shape, n);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) throw new IOException(file + ": truncated .npy header");
    }
  }
}
