package overtrain.tokenizer;

/**
 * UTF-8 extended so that every Java string survives a trip through bytes. A Java string may
 * hold unpaired surrogates, which UTF-8 cannot spell; the JDK's encoder silently turns them into
 * '?'. Here an unpaired surrogate is written as the three bytes its code point would take
 * (ED A0..BF xx, as WTF-8 does) and read back as that same lone char, so {@code decode(encode(s))}
 * equals {@code s} for every string. Byte sequences that are not valid in this scheme (a token
 * sequence cut mid-character, say) decode to U+FFFD as Hugging Face's decoders do (see
 * {@link #decode(byte[], int, StringBuilder)}).
 */
final class Wtf8 {
  private Wtf8() {}

  /** Bytes of {@code s[from, to)}. */
  static byte[] encode(CharSequence s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else n += 3;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | (c >> 6));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[o++] = (byte) (0xF0 | (cp >> 18));
        out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[o++] = (byte) (0xE0 | (c >> 12));
        out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }

  static byte[] encode(CharSequence s) {
    return encode(s, 0, s.length());
  }

  /** The string {@code bytes[0, length)} spells; see the class comment for bad input. */
  static String decode(byte[] b, int length) {
    StringBuilder out = new StringBuilder(length);
    decode(b, length, out);
    return out.toString();
  }

  /** The string {@code bytes[0, length)} spells, or null if any of it is ill-formed. */
  static String decodeStrict(byte[] b, int length) {
    StringBuilder out = new StringBuilder(length);
    return decode(b, length, out) ? out.toString() : null;
  }

  /**
   * Appends what {@code b[0, length)} spells; true if every byte was part of a well-formed
   * sequence. An ill-formed stretch becomes one U+FFFD per maximal part that could still have
   * begun a character (Unicode's "maximal subpart" practice, which is what Rust's
   * {@code from_utf8_lossy}, and so Hugging Face's decoders, do): E2 82 cut short is one U+FFFD,
   * a stray continuation byte is one of its own.
   */
  private static boolean decode(byte[] b, int length, StringBuilder out) {
    boolean wellFormed = true;
    int i = 0;
    while (i < length) {
      int b0 = b[i] & 0xFF;
      if (b0 < 0x80) {
        out.append((char) b0);
        i++;
        continue;
      }
      int need, cp;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
      } else {
        out.append('\uFFFD');
        wellFormed = false;
        i++;
        continue;
      }
      int j = 1;
      for (; j <= need && i + j < length && inRange(b0, j, b[i + j] & 0xFF); j++) {
        cp = (cp << 6) | (b[i + j] & 0x3F);
      }
      if (j <= need) {
        out.append('\uFFFD');
        wellFormed = false;
        i += j;
        continue;
      }
      if (pairedSurrogateBytes(cp, b, i + j, length)) {
        // CESU-8's pair: each byte of the high half is bad, the low half stands alone
        out.append("\uFFFD\uFFFD\uFFFD");
        wellFormed = false;
      } else {
        out.appendCodePoint(cp);
      }
      i += j;
    }
    return wellFormed;
  }

  /**
   * Whether {@code c} may be byte {@code pos} of a sequence led by {@code lead}: the second byte
   * is narrowed where a wider range would spell a code point too long or past U+10FFFF; ED keeps
   * its full range, since surrogates are what WTF-8 adds to UTF-8.
   */
  private static boolean inRange(int lead, int pos, int c) {
    if (pos > 1) return c >= 0x80 && c <= 0xBF;
    return switch (lead) {
      case 0xE0 -> c >= 0xA0 && c <= 0xBF;
      case 0xF0 -> c >= 0x90 && c <= 0xBF;
      case 0xF4 -> c >= 0x80 && c <= 0x8F;
      default -> c >= 0x80 && c <= 0xBF;
    };
  }

  /**
   * A high surrogate followed by a low one in three-byte form would read back as a pair, which
   * {@link #encode} never writes (a pair takes four bytes); refusing it keeps decoding one-to-one.
   */
  private static boolean pairedSurrogateBytes(int cp, byte[] b, int next, int length) {
    if (!Character.isHighSurrogate((char) cp) || cp > 0xFFFF) return false;
    return next + 2 < length && (b[next] & 0xFF) == 0xED && (b[next + 1] & 0xF0) == 0xB0;
  }

  static String decode(byte[] b) {
    return decode(b, b.length);
  }

  /** A growable byte buffer without the synchronisation of ByteArrayOutputStream. */
  static final class Bytes {
    byte[] data = new byte[64];
    int length;

    void append(byte[] bytes) {
      if (length + bytes.length > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, length + bytes.length));
      }
      System.arraycopy(bytes, 0, data, length, bytes.length);
      length += bytes.length;
    }
  }
}
