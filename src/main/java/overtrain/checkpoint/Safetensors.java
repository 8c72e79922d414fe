package overtrain.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code safetensors} format, float32 only: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to its dtype, shape and byte range, then the raw
 * little-endian data. Python's {@code safetensors} and {@code transformers} read it as it is.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  /** Where one tensor lies in a file. */
  public record Entry(String name, int[] shape, long begin, long end) {}

  /** Writes {@code tensors} in order to a temporary file beside {@code file}, then renames it. */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) header.set(METADATA, JSON.valueToTree(metadata));
    long at = 0;
    for (Tensor t : tensors) {
      if (header.has(t.name())) throw new IllegalArgumentException("tensor " + t.name() + " written twice");
      ObjectNode e = header.putObject(t.name());
      e.put("dtype", "F32");
      ArrayNode shape = e.putArray("shape");
      for (int s : t.shape()) shape.add(s);
      e.putArray("data_offsets").add(at).add(at + 4 * t.size());
      at += 4 * t.size();
    }
    byte[] json = JSON.writeValueAsBytes(header);
    // The format pads the header with spaces so that the data starts 8-byte aligned.
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) head.put((byte) ' ');
    head.flip();

    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      writeFully(ch, head);
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        long n = t.size();
        for (long i = 0; i < n; ) {
          int chunk = (int) Math.min(n - i, buf.capacity() / 4);
          buf.clear();
          buf.asFloatBuffer().put(t.data(), (int) (t.offset() + i), chunk);
          buf.limit(chunk * 4);
          writeFully(ch, buf);
          i += chunk;
        }
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A memory-mapped safetensors file whose header has been checked. */
  public static final class Reader {
    private final Path file;
    private final ByteBuffer data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private Reader(Path file, ByteBuffer data, Map<String, Entry> entries, Map<String, String> metadata) {
      this.file = file;
      this.data = data;
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
     * Copies tensor {@code name} into {@code dst} at {@code offset}; the file must hold it with
     * exactly {@code shape}.
     */
    public void read(String name, int[] shape, float[] dst, int offset) throws IOException {
      Entry e = entries.get(name);
      if (e == null) throw new IOException(file + ": no tensor '" + name + "'; has " + entries.keySet());
      if (!Arrays.equals(e.shape(), shape)) {
        throw new IOException(file + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
            + ", expected " + Arrays.toString(shape));
      }
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(Math.toIntExact(e.begin()))
          .asFloatBuffer().get(dst, offset, Math.toIntExact((e.end() - e.begin()) / 4));
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
      if (headerLen < 2 || 8 + headerLen > size || headerLen > 100_000_000) {
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
      if (dataLen > Integer.MAX_VALUE) {
        throw new IOException(file + ": " + dataLen + " bytes of tensors is more than one mapping holds (2 GiB)");
      }
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
      ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, 8 + headerLen, dataLen);
      return new Reader(file, data, entries, metadata);
    }
  }

  private static Entry entry(Path file, String name, JsonNode e, long dataLen) throws IOException {
    String where = file + ": tensor '" + name + "'";
    if (!"F32".equals(e.path("dtype").asText())) {
      throw new IOException(where + " has dtype " + e.path("dtype") + ", expected \"F32\"");
    }
    JsonNode shapeNode = e.path("shape");
    JsonNode offsets = e.path("data_offsets");
    if (!shapeNode.isArray()) throw new IOException(where + ": field 'shape' must be an array");
    if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
        || !offsets.get(1).canConvertToLong()) {
      throw new IOException(where + ": field 'data_offsets' must be [begin, end]");
    }
    int[] shape = new int[shapeNode.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToInt() || shapeNode.get(i).asInt() < 0) {
        throw new IOException(where + ": field 'shape' holds " + shapeNode.get(i) + ", expected a size");
      }
      shape[i] = shapeNode.get(i).asInt();
      n *= shape[i];
    }
    long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > dataLen) {
      throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] outside the "
          + dataLen + " data bytes");
    }
    if (end - begin != 4 * n) {
      throw new IOException(where + ": data_offsets span " + (end - begin) + " bytes, shape "
          + Arrays.toString(shape) + " needs " + 4 * n);
    }
    return new Entry(name, shape, begin, end);
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }
}
