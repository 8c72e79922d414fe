package overtrain.data.images;

import com.code_intelligence.jazzer.junit.FuzzTest;
import overtrain.fuzz.ClearErrors;

/** Any bytes as an IDX file or an image file: read, or refused with a clear error. */
class ImagesFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void idx(byte[] data) throws Exception {
    ClearErrors.check("fuzz-idx", data, file -> Idx.read(file, 3));
  }

  @FuzzTest(maxDuration = "20s")
  void image(byte[] data) throws Exception {
    ClearErrors.check("fuzz.png", data, ImageFiles::read);
  }
}
