package overtrain.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.data.images.GrayImage;

class PatchEncoderTest {
  @TempDir Path dir;

  /** 8x8 images whose 4x4 patches vary along two directions only, plus tiny noise. */
  static List<GrayImage> images(int n, long seed) {
    Random r = new Random(seed);
    List<GrayImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] p = new float[64];
      for (int py = 0; py < 8; py += 4) {
        for (int px = 0; px < 8; px += 4) {
          double a = r.nextGaussian(), b = 0.5 * r.nextGaussian();
          for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
              p[(py + y) * 8 + px + x] = (float) (0.5 + 0.1 * (a * (y < 2 ? 1 : -1) + b * (x < 2 ? 1 : -1)) + 1e-4 * r.nextGaussian());
            }
          }
        }
      }
      out.add(new GrayImage(8, 8, p));
    }
    return out;
  }

  @Test
  void twoComponentsKeepTwoDirectionsAtUnitScaleAndTheEncoderRoundTripsExactly() throws IOException {
    List<GrayImage> train = images(300, 1);
    PatchEncoder enc = PatchEncoder.fit(train, 4, 2);
    assertEquals(4, enc.tokens());
    assertTrue(enc.varianceExplained() > 0.999, "variance explained " + enc.varianceExplained());
    PatchEncoder one = PatchEncoder.fit(train, 4, 1);
    assertTrue(one.varianceExplained() > 0.7 && one.varianceExplained() < 0.9, "one component " + one.varianceExplained());
    double sq = 0;
    int count = 0;
    for (GrayImage img : train) {
      for (float f : enc.encode(img)) {
        sq += f * f;
        count++;
      }
    }
    assertEquals(1.0, sq / count, 0.01, "features have a mean square of 1 on the training images");
    // fitting is a function of the images: same bits again, and after a save and load
    GrayImage probe = images(1, 9).get(0);
    assertArrayEquals(enc.encode(probe), PatchEncoder.fit(train, 4, 2).encode(probe));
    enc.save(dir.resolve("e.json"));
    assertArrayEquals(enc.encode(probe), PatchEncoder.load(dir.resolve("e.json")).encode(probe));
  }

  @Test
  void refusesAPatchThatDoesNotTileTheImageAndAnImageOfAnotherSize() {
    List<GrayImage> train = images(10, 1);
    assertThrows(IllegalArgumentException.class, () -> PatchEncoder.fit(train, 3, 2));
    PatchEncoder enc = PatchEncoder.fit(train, 4, 2);
    var e = assertThrows(IllegalArgumentException.class, () -> enc.encode(new GrayImage(4, 4, new float[16])));
    assertTrue(e.getMessage().contains("4x4") && e.getMessage().contains("8x8"), e.getMessage());
  }
}
