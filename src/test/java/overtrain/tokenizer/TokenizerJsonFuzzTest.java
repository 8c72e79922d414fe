package overtrain.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import overtrain.fuzz.ClearErrors;

/**
 * Any bytes as a tokenizer.json: loaded, or refused with a clear error. A tokenizer that loads
 * must then encode and decode without failing: its checks belong to loading.
 */
class TokenizerJsonFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void load(byte[] data) throws Exception {
    ClearErrors.check("fuzz-tokenizer.json", data, file -> {
      Tokenizer t = Tokenizer.load(file);
      int[] ids = t.encode("Hello, world! 123 <|endoftext|> \u00e9\u00e8 \ud83d\ude00\n");
      t.decode(ids);
    });
  }
}
