package overtrain.tokenizer;

/**
 * GPT-2's reversible map from the 256 byte values to printable characters, which is how
 * byte-level vocabularies are spelled in {@code tokenizer.json} (a space is "Ġ", a newline "Ċ").
 * Printable Latin-1 bytes map to themselves; the other 68 take the code points from U+0100 on,
 * in byte order.
 */
final class ByteLevel {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = (char) (printable ? b : next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The byte-level spelling of {@code bytes}. */
  static String encode(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    return new String(out);
  }

  /** The bytes a byte-level spelling stands for, or null if a character is outside the map. */
  static byte[] decode(String spelled) {
    byte[] out = new byte[spelled.length()];
    for (int i = 0; i < out.length; i++) {
      char c = spelled.charAt(i);
      int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
      if (b < 0) return null;
      out[i] = (byte) b;
    }
    return out;
  }
}
