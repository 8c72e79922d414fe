package overtrain.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import overtrain.fuzz.ClearErrors;

/**
 * Any bytes as a tokenizer.json: loaded, or refused with a clear error. A tokenizer that loads
 * must then encode and decode; the one failure allowed is the one its design puts off until
 * encoding: a vocabulary without some byte's token, named when that byte is met.
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
        if (e.getMessage() != null && e.getMessage().matches("byte 0x[0-9A-F]{2} has no token in this vocabulary")) return;
        throw e;
      }
      t.decode(ids);
    });
  }
}
