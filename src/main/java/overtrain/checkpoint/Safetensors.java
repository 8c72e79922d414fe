package overtrain.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import overtrain.io.AtomicWrite;
import overtrain.kernels.BFloat16;

/**
 * The {@code safetensors} format: an 8-byte little-endian header length, a JSON header mapping
 * each tensor name to its dtype, shape and byte range, then the raw little-endian data.
 * Python's {@code safetensors} and {@code transformers} read what this writes (float32) as it
 * is. Reading also takes the half-precision dtypes that published checkpoints come in, BF16
 * and F16, widened to float32 (exactly: every half value is a float32 value); each tensor is
 * mapped a window at a time, so a file may exceed the 2 GiB that one mapping holds, and each
 * window unmapped once widened, so that loading holds the float32 weights and one window.
 */
public final class Safetensors {
  // A name given twice would otherwise keep its last entry and leave the first's bytes unread.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final String METADATA = "__metadata__";

  private Safetensors() {}

  /** One tensor to write: {@code shape}'s elements taken from {@code data} at {@code offset}. */
  public record Tensor(String name, int[] shape, float[] data, int offset) {
    long size() {
      long n = 1;
      for (int s : shape) n *= s;
      return n;
    }
  }

  /** The element types read, each widened to float32. */
  public enum Dtype {
    F32(4), BF16(2), F16(2);

    /** Bytes per element. */
    final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }

    /**
     * Narrows or copies {@code n} elements from {@code src} (little-endian) into bfloat16 bits
     * at {@code dst[off..]}: BF16 as it is, F32 and F16 rounded to the nearest.
     */
    void decode(ByteBuffer src, short[] dst, int off, int n) {
      switch (this) {
        case F32 -> {
          for (int i = 0; i < n; i++) dst[off + i] = BFloat16.round(src.getFloat(4 * i));
        }
        case BF16 -> src.asShortBuffer().get(dst, off, n);
        case F16 -> {
          for (int i = 0; i < n; i++) dst[off + i] = BFloat16.round(halfToFloat(src.getShort(2 * i)));
        }
      }
    }

    /** Widens {@code n} elements from {@code src} (little-endian) into {@code dst[off..]}. */
    void decode(ByteBuffer src, float[] dst, int off, int n) {
      switch (this) {
        case F32 -> src.asFloatBuffer().get(dst, off, n);
        case BF16 -> {
          for (int i = 0; i < n; i++) dst[off + i] = BFloat16.toFloat(src.getShort(2 * i));
        }
        case F16 -> {
          for (int i = 0; i < n; i++) dst[off + i] = halfToFloat(src.getShort(2 * i));
        }
      }
    }
  }

  /**
   * IEEE binary16 to float32 ({@code Float.float16ToFloat} arrived after Java 17): the exponent
   * rebiased from 15 to 127, the mantissa moved up 13 bits; a subnormal half is a normal float,
   * scaled from its integer mantissa; infinities and NaNs keep their class and payload's top.
   */
  static float halfToFloat(short h) {
    int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1f, mantissa = h & 0x3ff;
    if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // exact: at most 10 significant bits
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | (exponent + 127 - 15) << 23 | mantissa << 13);
  }

  /** Where one tensor lies in a file's data section, and its element type. */
  public record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {}

  /** Writes {@code tensors} in order to a temporary file beside {@code file}, then renames it. */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, Dtype.F32);
  }

  /**
   * {@link #write}, each value stored as {@code dtype}: F32 exactly, BF16 rounded to the
   * nearest (ties to even), as PyTorch's {@code .to(torch.bfloat16)} rounds, the form published
   * checkpoints come in. F16 is not written.
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata, Dtype dtype)
      throws IOException {
    if (dtype == Dtype.F16) throw new IllegalArgumentException("writing F16 is not supported; F32 or BF16");
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) header.set(METADATA, JSON.valueToTree(metadata));
    long at = 0;
    for (Tensor t : tensors) {
      if (header.has(t.name())) throw new IllegalArgumentException("tensor " + t.name() + " written twice");
      ObjectNode e = header.putObject(t.name());
      e.put("dtype", dtype.name());
      ArrayNode shape = e.putArray("shape");
      for (int s : t.shape()) shape.add(s);
      e.putArray("data_offsets").add(at).add(at + dtype.bytes * t.size());
      at += dtype.bytes * t.size();
    }
    byte[] json = JSON.writeValueAsBytes(header);
    // The format pads the header with spaces so that the data starts 8-byte aligned.
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) head.put((byte) ' ');
    head.flip();

    AtomicWrite.writeChannel(file, ch -> {
      writeFully(ch, head);
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        long n = t.size();
        for (long i = 0; i < n; ) {
          int chunk = (int) Math.min(n - i, buf.capacity() / 4);
          buf.clear();
          int from = (int) (t.offset() + i);
          if (dtype == Dtype.F32) {
            buf.asFloatBuffer().put(t.data(), from, chunk);
            buf.limit(chunk * 4);
          } else {
            for (int k = 0; k < chunk; k++) buf.putShort(2 * k, BFloat16.round(t.data()[from + k]));
            buf.limit(chunk * 2);
          }
          writeFully(ch, buf);
          i += chunk;
        }
      }
    });
  }

  /**
   * Bytes mapped at a time. A whole tensor's mapping (a billion-parameter model's embedding is
   * hundreds of MiB) would sit resident beside everything a command already holds, as when a
   * perturbation restores the weights with the activations allocated.
   */
  private static final long MAP_WINDOW = 16L << 20;

  /** A safetensors file whose header has been checked; tensors are mapped as they are read. */
  public static final class Reader {
    private final Path file;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Reader(Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
      this.file = file;
      this.dataStart = dataStart;
      this.entries = entries;
      this.metadata = metadata;
    }

    public Path file() {
      return file;
    }

    /** Every tensor in header order. */
    public Map<String, Entry> entries() {
      return entries;
    }

    /** The header's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() {
      return metadata;
    }

    /**
     * Copies tensor {@code name}, widened to float32, into {@code dst} at {@code offset}; the
     * file must hold it with exactly {@code shape}.
     */
    public void read(String name, int[] shape, float[] dst, int offset) throws IOException {
      read(name, shape, (e, data, at, n) -> e.dtype().decode(data, dst, offset + at, n));
    }

    /**
     * Copies tensor {@code name} into {@code dst} as bfloat16 bits, rounding an F32 or F16
     * tensor to the nearest; the file must hold it with exactly {@code shape}.
     */
    public void readBfloat16(String name, int[] shape, short[] dst) throws IOException {
      read(name, shape, (e, data, at, n) -> e.dtype().decode(data, dst, at, n));
    }

    /** Where a window of a tensor's elements goes: {@code n} of them, from element {@code at}. */
    private interface Sink {
      void take(Entry e, ByteBuffer data, int at, int n);
    }

    /** Maps tensor {@code name} a {@link #MAP_WINDOW} at a time, handing each window to {@code sink}. */
    private void read(String name, int[] shape, Sink sink) throws IOException {
      Entry e = entries.get(name);
      if (e == null) throw new IOException(file + ": no tensor '" + name + "'; has " + entries.keySet());
      if (!Arrays.equals(e.shape(), shape)) {
        throw new IOException(file + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
            + ", expected " + Arrays.toString(shape));
      }
      long bytes = e.end() - e.begin();
      int size = e.dtype().bytes;
      long window = MAP_WINDOW / size * size;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        for (long at = 0; at < bytes; at += window) {
          long length = Math.min(window, bytes - at);
          MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin() + at, length);
          try {
            data.order(ByteOrder.LITTLE_ENDIAN);
            sink.take(e, data, (int) (at / size), (int) (length / size));
          } finally {
            release(data);
          }
        }
      }
    }
  }

  /** Maps {@code file} and checks its header; errors name the file and the offending field. */
  public static Reader open(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) throw new IOException(file + ": " + size + " bytes is too short for a safetensors header");
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (len.hasRemaining()) if (ch.read(len, len.position()) < 0) break;
      long headerLen = len.getLong(0);
      // Checked against the file's size before anything is allocated for it.
      if (headerLen < 2 || headerLen > size - 8 || headerLen > 100_000_000) {
        throw new IOException(file + ": header length " + headerLen + " does not fit a file of " + size + " bytes");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      while (hb.hasRemaining()) if (ch.read(hb, 8 + hb.position()) < 0) break;
      JsonNode header;
      try {
        header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8).strip());
      } catch (JsonProcessingException e) {
        throw new IOException(file + ": header is not JSON: " + e.getOriginalMessage(), e);
      }
      if (header == null || !header.isObject()) throw new IOException(file + ": header is not a JSON object");
      long dataLen = size - 8 - headerLen;
      Map<String, Entry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals(METADATA)) {
          f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), dataLen));
      }
      checkTiling(file, entries.values(), dataLen);
      return new Reader(file, 8 + headerLen, entries, metadata);
    }
  }

  private static Entry entry(Path file, String name, JsonNode e, long dataLen) throws IOException {
    String where = file + ": tensor '" + name + "'";
    Dtype dtype;
    try {
      dtype = Dtype.valueOf(e.path("dtype").asText());
    } catch (IllegalArgumentException unknown) {
      throw new IOException(where + " has dtype " + e.path("dtype") + ", expected one of "
          + Arrays.toString(Dtype.values()));
    }
    JsonNode shapeNode = e.path("shape");
    JsonNode offsets = e.path("data_offsets");
    if (!shapeNode.isArray()) throw new IOException(where + ": field 'shape' must be an array");
    if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
        || !offsets.get(1).canConvertToLong()) {
      throw new IOException(where + ": field 'data_offsets' must be [begin, end]");
    }
    int[] shape = new int[shapeNode.size()];
    long bytes = dtype.bytes;
    boolean overflow = false;
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.asInt() < 0) {
        throw new IOException(where + ": field 'shape' holds " + dim + ", expected a size");
      }
      shape[i] = dim.asInt();
      try {
        bytes = Math.multiplyExact(bytes, shape[i]);
      } catch (ArithmeticException tooMany) {
        overflow = true;
      }
    }
    if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
      throw new IOException(where + ": field 'data_offsets' must be [begin, end]");
    }
    long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > dataLen) {
      throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] outside the "
          + dataLen + " data bytes");
    }
    if (overflow || end - begin != bytes) {
      throw new IOException(where + ": data_offsets span " + (end - begin) + " bytes, shape "
          + Arrays.toString(shape) + " of " + dtype + " needs "
          + (overflow ? "more than 2^63" : Long.toString(bytes)));
    }
    if (end - begin > Integer.MAX_VALUE) {
      throw new IOException(where + " is " + (end - begin) + " bytes, more than one mapping holds (2 GiB)");
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /**
   * The tensors must tile the data section, as the reference implementation requires: sorted by
   * where they begin, the first at 0, each where the one before ended, the last at the end. A
   * gap is bytes no tensor owns (a file cut or padded), an overlap two tensors sharing bytes.
   */
  private static void checkTiling(Path file, java.util.Collection<Entry> entries, long dataLen)
      throws IOException {
    List<Entry> sorted = new java.util.ArrayList<>(entries);
    sorted.sort(java.util.Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    String previous = null;
    for (Entry e : sorted) {
      if (e.begin() > at) {
        throw new IOException(file + ": tensor '" + e.name() + "' begins at data byte " + e.begin()
            + ", leaving bytes " + at + " to " + e.begin() + " to no tensor"
            + (previous == null ? "" : " (the one before, '" + previous + "', ends at " + at + ")")
            + "; tensors must tile the data section");
      }
      if (e.begin() < at) {
        throw new IOException(file + ": tensor '" + e.name() + "' begins at data byte " + e.begin()
            + ", inside tensor '" + previous + "', which ends at " + at + "; tensors must not overlap");
      }
      at = e.end();
      previous = e.name();
    }
    if (at != dataLen) {
      throw new IOException(file + ": the tensors end at data byte " + at + (previous == null ? ""
          : " (the last is '" + previous + "')") + ", but the data section has " + dataLen
          + " bytes: " + (dataLen - at) + " bytes at its end belong to no tensor");
    }
  }

  /**
   * Unmaps {@code mapped} now. Left to the collector, a mapping's pages stay resident until a
   * collection finds the buffer unreachable, and loading a model touches few objects, so the
   * mapped file's pages would pile up beside the float32 weights they were widened into. The
   * JDK 17 way is {@code sun.misc.Unsafe.invokeCleaner}, looked up reflectively; where it is
   * not there, the collector still unmaps in its own time.
   */
  static void release(MappedByteBuffer mapped) {
    if (INVOKE_CLEANER == null) return;
    try {
      INVOKE_CLEANER.invoke(mapped);
    } catch (Throwable unavailable) {
      // as without it: unmapped when collected
    }
  }

  private static final java.lang.invoke.MethodHandle INVOKE_CLEANER = invokeCleaner();

  private static java.lang.invoke.MethodHandle invokeCleaner() {
    try {
      Class<?> unsafe = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field theUnsafe = unsafe.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      return java.lang.invoke.MethodHandles.lookup()
          .findVirtual(unsafe, "invokeCleaner", java.lang.invoke.MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(theUnsafe.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }
}
