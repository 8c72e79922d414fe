package overtrain.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes safetensors files byte by byte from the format's description, in any dtype, for tests
 * of what the reader takes and the writer never makes (half precision, hand-made headers).
 */
final class RawSafetensors {
  record Raw(String name, String dtype, int[] shape, byte[] data) {}

  private final List<Raw> tensors = new ArrayList<>();

  RawSafetensors add(String name, String dtype, int[] shape, byte[] data) {
    tensors.add(new Raw(name, dtype, shape, data));
    return this;
  }

  /** float32 values cut to bfloat16 (their high 16 bits), little-endian. */
  static byte[] bf16(float[] x, int off, int n) {
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) b.putShort((short) (Float.floatToRawIntBits(x[off + i]) >>> 16));
    return b.array();
  }

  void write(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Raw t : tensors) {
      ObjectNode e = header.putObject(t.name());
      e.put("dtype", t.dtype());
      var shape = e.putArray("shape");
      for (int s : t.shape()) shape.add(s);
      e.putArray("data_offsets").add(data.size()).add(data.size() + t.data().length);
      data.write(t.data());
    }
    byte[] h = json.writeValueAsBytes(header);
    ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length).put(h).put(data.toByteArray());
    Files.write(file, out.array());
  }
}
