package overtrain.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face's decoders: each turns the list of token strings into another, and the last list
 * is joined. Byte-level models use ByteLevel alone; LLaMA's SentencePiece conversion uses
 * Replace("▁", " "), ByteFallback, Fuse and Strip, or the older Metaspace.
 */
sealed interface Decoder {
  List<String> apply(List<String> tokens);

  /** Applies {@code steps} in order and joins what is left. */
  static String decode(List<Decoder> steps, List<String> tokens) {
    for (Decoder d : steps) tokens = d.apply(tokens);
    return String.join("", tokens);
  }

  /**
   * All tokens as one string: a token spelled wholly in GPT-2's byte alphabet stands for those
   * bytes, any other (an added token with a space, say) for its own UTF-8.
   */
  record ByteLevelDecoder() implements Decoder {
    @Override
    public List<String> apply(List<String> tokens) {
      Wtf8.Bytes bytes = new Wtf8.Bytes();
      for (String t : tokens) bytes.append(bytesOf(t));
      return List.of(Wtf8.decode(bytes.data, bytes.length));
    }

    static byte[] bytesOf(String token) {
      byte[] spelled = ByteLevel.decode(token);
      return spelled != null ? spelled : Wtf8.encode(token);
    }
  }

  /** Replaces a literal in each token. */
  record Replace(String pattern, String content) implements Decoder {
    public Replace {
      if (pattern.isEmpty()) throw new IllegalArgumentException("an empty pattern to replace");
    }

    @Override
    public List<String> apply(List<String> tokens) {
      return tokens.stream().map(t -> t.replace(pattern, content)).toList();
    }
  }

  /**
   * Runs of {@code <0xNN>} tokens become the text their bytes spell; a run that is not
   * well-formed becomes one U+FFFD per byte, as Hugging Face does. Well-formed here includes the
   * WTF-8 of a lone surrogate, so that every Java string still round-trips.
   */
  record ByteFallback() implements Decoder {
    @Override
    public List<String> apply(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      Wtf8.Bytes run = new Wtf8.Bytes();
      byte[] one = new byte[1];
      for (String t : tokens) {
        int b = byteOf(t);
        if (b >= 0) {
          one[0] = (byte) b;
          run.append(one);
          continue;
        }
        flush(run, out);
        out.add(t);
      }
      flush(run, out);
      return out;
    }

    private static void flush(Wtf8.Bytes run, List<String> out) {
      if (run.length == 0) return;
      String text = Wtf8.decodeStrict(run.data, run.length);
      if (text != null) out.add(text);
      else for (int i = 0; i < run.length; i++) out.add("\uFFFD");
      run.length = 0;
    }

    /**
     * The byte a {@code <0xNN>} token stands for, or -1. The two characters are read as Rust's
     * {@code u8::from_str_radix} reads them, which takes either case and a leading '+'.
     */
    static int byteOf(String t) {
      if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
      int hi = hex(t.charAt(3)), lo = hex(t.charAt(4));
      if (t.charAt(3) == '+') return lo;
      return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static int hex(char c) {
      return c < 128 ? Character.digit(c, 16) : -1;
    }
  }

  /** Joins all tokens into one. */
  record Fuse() implements Decoder {
    @Override
    public List<String> apply(List<String> tokens) {
      return List.of(String.join("", tokens));
    }
  }

  /** Cuts up to {@code start} leading and {@code stop} trailing {@code content} from each token. */
  record Strip(String content, int start, int stop) implements Decoder {
    public Strip {
      if (content.codePointCount(0, content.length()) != 1) {
        throw new IllegalArgumentException("Strip's content must be one character");
      }
    }

    @Override
    public List<String> apply(List<String> tokens) {
      int c = content.codePointAt(0);
      return tokens.stream().map(t -> {
        int[] cps = t.codePoints().toArray();
        int from = 0, to = cps.length;
        while (from < Math.min(start, cps.length) && cps[from] == c) from++;
        for (int i = 0; i < stop && to > from && cps[to - 1] == c; i++) to--;
        return new String(cps, from, to - from);
      }).toList();
    }
  }

  /**
   * The older SentencePiece decoder: each replacement becomes a space, except in the first
   * token, where it is dropped (where a prefix was added).
   */
  record Metaspace(String replacement, PreTokenizerStep.PrependScheme prependScheme) implements Decoder {
    public Metaspace {
      if (replacement.codePointCount(0, replacement.length()) != 1) {
        throw new IllegalArgumentException("a Metaspace replacement must be one character");
      }
    }

    @Override
    public List<String> apply(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        boolean drop = i == 0 && prependScheme != PreTokenizerStep.PrependScheme.NEVER;
        out.add(tokens.get(i).replace(replacement, drop ? "" : " "));
      }
      return out;
    }
  }
}
