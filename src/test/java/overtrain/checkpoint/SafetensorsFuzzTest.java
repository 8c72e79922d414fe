package overtrain.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;
import overtrain.fuzz.ClearErrors;

/** Any bytes as a safetensors file: read whole, or refused with a clear error. */
class SafetensorsFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void header(byte[] data) throws Exception {
    ClearErrors.check("fuzz.safetensors", data, file -> {
      Safetensors.Reader r = Safetensors.open(file);
      for (Map.Entry<String, Safetensors.Entry> e : r.entries().entrySet()) {
        long n = 1;
        for (int s : e.getValue().shape()) n *= s;
        // the header has been checked against the file's size, so this is at most its bytes
        r.read(e.getKey(), e.getValue().shape(), new float[(int) n], 0);
      }
    });
  }
}
