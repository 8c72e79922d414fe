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

  @Test
  void bfloat16IsWrittenRoundedToNearestEvenAndReadBackAsThoseValues() throws IOException {
    float[] in = {
      1f, -2f,
      Float.intBitsToFloat(0x3f808000), // halfway, even below: down
      Float.intBitsToFloat(0x3f818000), // halfway, odd below: up
      Float.intBitsToFloat(0x3f808001), // past halfway: up
      Float.intBitsToFloat(0x3f807fff), // short of halfway: down
      3.4e38f, // rounds up past the largest bfloat16: infinity, as PyTorch
    };
    int[] expected = {0x3f80, 0xc000, 0x3f80, 0x3f82, 0x3f81, 0x3f80, 0x7f80};
    Path file = dir.resolve("bf16.safetensors");
    Safetensors.write(file, List.of(new Safetensors.Tensor("w", new int[] {in.length}, in, 0)), Map.of(),
        Safetensors.Dtype.BF16);
    Safetensors.Reader r = Safetensors.open(file);
    assertEquals(Safetensors.Dtype.BF16, r.entries().get("w").dtype());
    float[] back = new float[in.length];
    r.read("w", new int[] {in.length}, back, 0);
    for (int i = 0; i < in.length; i++) {
      assertEquals(expected[i] << 16, Float.floatToRawIntBits(back[i]), "value " + i);
    }
    assertTrue(Float.isNaN(Float.intBitsToFloat(overtrain.kernels.BFloat16.round(Float.NaN) << 16)));
  }

  @Test
  void tensorsLargerThanOneMappingWindowReadWhole() throws IOException {
    // past 16 MiB each, and of odd lengths, so that windows end inside the data
    float[] big = new float[4_500_001];
    for (int i = 0; i < big.length; i++) big[i] = i * 0.25f - 7f;
    float[] half = new float[8_400_003];
    for (int i = 0; i < half.length; i++) half[i] = (i % 256) - 128f; // exact in bfloat16
    for (Safetensors.Dtype dtype : List.of(Safetensors.Dtype.F32, Safetensors.Dtype.BF16)) {
      float[] data = dtype == Safetensors.Dtype.F32 ? big : half;
      Path file = dir.resolve(dtype + ".safetensors");
      Safetensors.write(file, List.of(new Safetensors.Tensor("small", new int[] {3}, DATA, 0),
          new Safetensors.Tensor("big", new int[] {data.length}, data, 0)), Map.of(), dtype);
      float[] back = new float[data.length + 1];
      Safetensors.open(file).read("big", new int[] {data.length}, back, 1);
      assertArrayEquals(data, java.util.Arrays.copyOfRange(back, 1, back.length), dtype.toString());
    }
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

    Path i8 = dir.resolve("i8.safetensors");
    new RawSafetensors().add("x", "I8", new int[] {2}, new byte[2]).write(i8);
    IOException dtype = assertThrows(IOException.class, () -> Safetensors.open(i8));
    assertTrue(dtype.getMessage().contains("I8") && dtype.getMessage().contains("'x'"), dtype.getMessage());
    Path short16 = dir.resolve("short.safetensors");
    new RawSafetensors().add("x", "BF16", new int[] {3}, new byte[4]).write(short16);
    IOException span = assertThrows(IOException.class, () -> Safetensors.open(short16));
    assertTrue(span.getMessage().contains("BF16") && span.getMessage().contains("needs 6"), span.getMessage());
    assertArrayEquals(new String[0], dir.toFile().list((d, name) -> name.endsWith(".tmp")), "no temp files left");
  }

  /**
   * Every one of the 65,536 bit patterns of BF16 and of F16, read and widened, against the value
   * the format defines: (-1)^sign * 2^(exponent - bias) * 1.mantissa, subnormals with exponent
   * 1 - bias and no leading 1, infinities and NaNs where the exponent is all ones.
   */
  @Test
  void halfPrecisionWidensEveryValueExactly() throws IOException {
    int n = 1 << 16;
    ByteBuffer all = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) all.putShort((short) i);
    Path file = dir.resolve("half.safetensors");
    new RawSafetensors().add("bf16", "BF16", new int[] {256, 256}, all.array())
        .add("f16", "F16", new int[] {n}, all.array()).write(file);
    Safetensors.Reader r = Safetensors.open(file);
    float[] bf16 = new float[n], f16 = new float[n];
    r.read("bf16", new int[] {256, 256}, bf16, 0);
    r.read("f16", new int[] {n}, f16, 0);
    for (int i = 0; i < n; i++) {
      assertSameValue(defined(i, 8, 7), bf16[i], "BF16 0x" + Integer.toHexString(i));
      assertSameValue(defined(i, 5, 10), f16[i], "F16 0x" + Integer.toHexString(i));
    }
  }

  /** The value of a 16-bit float with the given field widths, from its definition. */
  private static double defined(int bits, int exponentBits, int mantissaBits) {
    int bias = (1 << (exponentBits - 1)) - 1, maxExponent = (1 << exponentBits) - 1;
    int exponent = (bits >> mantissaBits) & maxExponent, mantissa = bits & ((1 << mantissaBits) - 1);
    double sign = (bits & 0x8000) != 0 ? -1 : 1;
    if (exponent == maxExponent) return mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
    if (exponent == 0) return sign * mantissa * Math.pow(2, 1 - bias - mantissaBits);
    return sign * (1 + mantissa / Math.pow(2, mantissaBits)) * Math.pow(2, exponent - bias);
  }

  private static void assertSameValue(double expected, float actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), what + " should be NaN, is " + actual);
    } else {
      assertEquals(expected, actual, 0.0, what);
      assertEquals(Math.copySign(1.0, expected), Math.copySign(1.0, actual), what + " sign"); // of zeros

    }
  }

  /** A file from a hand-written header and {@code dataBytes} zero bytes of data. */
  private Path raw(String name, String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path file = dir.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  private static String tensor(String name, String shape, long begin, long end) {
    return "\"" + name + "\": {\"dtype\": \"F32\", \"shape\": " + shape + ", \"data_offsets\": ["
        + begin + ", " + end + "]}";
  }

  private IOException refused(Path file) {
    return assertThrows(IOException.class, () -> Safetensors.open(file));
  }

  /** The data offsets tile the data section, in any header order, or the file is refused. */
  @Test
  void offsetsMustTileTheDataSection() throws IOException {
    // header order need not be data order
    Safetensors.Reader ok = Safetensors.open(raw("ok.safetensors",
        "{" + tensor("late", "[2]", 8, 16) + ", " + tensor("early", "[2]", 0, 8) + "}", 16));
    assertEquals(List.of("late", "early"), List.copyOf(ok.entries().keySet()));

    IOException gap = refused(raw("gap.safetensors",
        "{" + tensor("a", "[2]", 0, 8) + ", " + tensor("b", "[2]", 12, 20) + "}", 20));
    assertTrue(gap.getMessage().contains("gap.safetensors") && gap.getMessage().contains(
        "tensor 'b' begins at data byte 12, leaving bytes 8 to 12 to no tensor (the one before, 'a', ends at 8)"),
        gap.getMessage());

    IOException overlap = refused(raw("overlap.safetensors",
        "{" + tensor("a", "[2]", 0, 8) + ", " + tensor("b", "[2]", 4, 12) + "}", 12));
    assertTrue(overlap.getMessage().contains("tensor 'b' begins at data byte 4, inside tensor 'a', which ends at 8"),
        overlap.getMessage());

    IOException notAtZero = refused(raw("late-start.safetensors", "{" + tensor("a", "[2]", 4, 12) + "}", 12));
    assertTrue(notAtZero.getMessage().contains("'a' begins at data byte 4, leaving bytes 0 to 4 to no tensor;"),
        notAtZero.getMessage());

    IOException trailing = refused(raw("trailing.safetensors", "{" + tensor("a", "[2]", 0, 8) + "}", 11));
    assertTrue(trailing.getMessage().contains("trailing.safetensors")
        && trailing.getMessage().contains("3 bytes at its end belong to no tensor"), trailing.getMessage());

    IOException twice = refused(raw("twice.safetensors",
        "{" + tensor("a", "[2]", 0, 8) + ", " + tensor("a", "[2]", 8, 16) + "}", 16));
    assertTrue(twice.getMessage().contains("twice.safetensors") && twice.getMessage().contains("'a'"),
        twice.getMessage());
  }

  /** A shape's byte size is computed without overflow; a header longer than the file is refused unread. */
  @Test
  void sizesFromTheHeaderAreChecked() throws IOException {
    IOException huge = refused(raw("huge.safetensors",
        "{" + tensor("w", "[2147483647, 2147483647, 2147483647]", 0, 8) + "}", 8));
    assertTrue(huge.getMessage().contains("'w'") && huge.getMessage().contains("more than 2^63"), huge.getMessage());

    IOException fractional = refused(raw("fraction.safetensors", "{" + tensor("w", "[2.5]", 0, 8) + "}", 8));
    assertTrue(fractional.getMessage().contains("'shape'") && fractional.getMessage().contains("2.5"),
        fractional.getMessage());

    Path longHeader = dir.resolve("long-header.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE - 3).putLong(0);
    Files.write(longHeader, b.array());
    IOException tooLong = refused(longHeader);
    assertTrue(tooLong.getMessage().contains("long-header.safetensors")
        && tooLong.getMessage().contains("does not fit a file of 16 bytes"), tooLong.getMessage());
  }
}
