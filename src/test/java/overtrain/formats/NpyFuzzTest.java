package overtrain.formats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import overtrain.fuzz.ClearErrors;

/** Any bytes as a .npy file: read, or refused with a clear error. */
class NpyFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void header(byte[] data) throws Exception {
    ClearErrors.check("fuzz.npy", data, file -> {
      Npy.Array a = Npy.read(file);
      for (long i = 0; i < Math.min(a.length(), 16); i++) {
        if (a.dtype() == Npy.DType.FLOAT32) a.getFloat(i);
        else a.getLong(i);
      }
    });
  }
}
