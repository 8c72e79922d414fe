package overtrain.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import overtrain.fuzz.ClearErrors;

/**
 * Any bytes as a tokenizer.json: loaded, or refused with a clear error. A tokenizer that loads
 * must then encode and decode; the one failure allowed is the one its design puts off until
 * encoding: a vocabulary without some byte's or character's token (and no unknown token), named
 * when it is met.
 */
class TokenizerJsonFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void load(byte[] data) throws Exception {
    ClearErrors.check("fuzz-tokenizer.json", data, file -> {
      Tokenizer t = Tokenizer.load(file);
      int[] ids;
      try {
        ids = t.encode("Hello, world! 123 <|endoftext|> \u00e9\u00e8 \ud83d\ude00\n");
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        if (m != null && m.matches("(byte 0x[0-9A-F]{2}|character U\\+[0-9A-F]{4,6}) has no token in this vocabulary")) return;
        throw e;
      }
      t.decode(ids);
    });
  }
}
