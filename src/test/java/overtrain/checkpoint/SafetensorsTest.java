package overtrain.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  private static final float[] DATA = {1.5f, -2f, Float.MIN_VALUE, 3e38f, -0f, 7f, 0.1f, 9f, 1e-20f};

  private Path writeTwo() throws IOException {
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(file, List.of(
        new Safetensors.Tensor("a.weight", new int[] {2, 3}, DATA, 0),
        new Safetensors.Tensor("b", new int[] {3}, DATA, 6)), Map.of("format", "pt"));
    return file;
  }

  @Test
  void roundTripsBits() throws IOException {
    Safetensors.Reader r = Safetensors.open(writeTwo());
    float[] back = new float[9];
    r.read("a.weight", new int[] {2, 3}, back, 0);
    r.read("b", new int[] {3}, back, 6);
    for (int i = 0; i < 9; i++) assertEquals(Float.floatToRawIntBits(DATA[i]), Float.floatToRawIntBits(back[i]));
    assertEquals("pt", r.metadata().get("format"));
    assertEquals(List.of("a.weight", "b"), List.copyOf(r.entries().keySet()));
  }

  /** Parses the file by the format's specification, without the reader under test. */
  @Test
  void layoutFollowsTheSpecification() throws IOException {
    byte[] bytes = Files.readAllBytes(writeTwo());
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = bb.getLong(0);
    assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    assertEquals("pt", header.get("__metadata__").get("format").asText());
    JsonNode a = header.get("a.weight");
    assertEquals("F32", a.get("dtype").asText());
    assertEquals("[2,3]", a.get("shape").toString());
    assertEquals("[0,24]", a.get("data_offsets").toString());
    assertEquals("[24,36]", header.get("b").get("data_offsets").toString());
    assertEquals(8 + n + 36, bytes.length, "nothing after the last tensor");
    for (int i = 0; i < 9; i++) {
      assertEquals(Float.floatToRawIntBits(DATA[i]), bb.getInt((int) (8 + n + 4 * i)), "float " + i);
    }
  }

  @Test
  void errorsNameTheFileAndTensor() throws IOException {
    Path file = writeTwo();
    Safetensors.Reader r = Safetensors.open(file);
    IOException shape = assertThrows(IOException.class, () -> r.read("b", new int[] {4}, new float[4], 0));
    assertTrue(shape.getMessage().contains(file.toString()) && shape.getMessage().contains("'b'"), shape.getMessage());
    IOException missing = assertThrows(IOException.class, () -> r.read("c", new int[] {3}, new float[3], 0));
    assertTrue(missing.getMessage().contains("'c'"), missing.getMessage());

    byte[] bytes = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    IOException truncated = assertThrows(IOException.class, () -> Safetensors.open(cut));
    assertTrue(truncated.getMessage().contains("cut.safetensors") && truncated.getMessage().contains("'b'"),
        truncated.getMessage());

    Path f16 = dir.resolve("f16.safetensors");
    String json = "{\"x\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
    ByteBuffer b = ByteBuffer.allocate(8 + json.length() + 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length()).put(json.getBytes(StandardCharsets.UTF_8));
    Files.write(f16, b.array());
    IOException dtype = assertThrows(IOException.class, () -> Safetensors.open(f16));
    assertTrue(dtype.getMessage().contains("F16") && dtype.getMessage().contains("'x'"), dtype.getMessage());
    assertArrayEquals(new String[0], dir.toFile().list((d, name) -> name.endsWith(".tmp")), "no temp files left");
  }
}
