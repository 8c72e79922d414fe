package overtrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.data.TokenFile;
import overtrain.formats.Npy;

class WindowSamplerTest {
  @TempDir Path dir;

  /** A file whose token i is i % 997, so a window's first token tells where it started. */
  private TokenFile file(int n) throws IOException {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = i % 997;
    Path f = dir.resolve("t.npy");
    Npy.writeTokens(f, ids, n);
    return TokenFile.open(f, 997);
  }

  @Test
  void aPermutationReadsEveryWindowOnceAnEpochThenAFreshOrder() throws IOException {
    int context = 8;
    TokenFile f = file(8 * 50 + 1); // exactly 50 windows
    WindowSampler s = WindowSampler.of(WindowSampler.Order.PERMUTATION, f, context, 3);
    int[] tokens = new int[10 * context], targets = new int[10 * context];
    int[][] epochs = new int[2][50];
    for (int e = 0; e < 2; e++) {
      for (int batch = 0; batch < 5; batch++) {
        s.nextBatch(tokens, targets, 10);
        for (int b = 0; b < 10; b++) {
          epochs[e][batch * 10 + b] = tokens[b * context] / context;
          assertEquals(tokens[b * context + 1], targets[b * context], "targets are the window shifted by one");
        }
      }
      assertEquals(e + 1.0, s.epochs(), 1e-12);
    }
    for (int[] order : epochs) {
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      for (int w = 0; w < 50; w++) assertEquals(w, sorted[w], "window " + w + " once an epoch");
    }
    assertNotEquals(Arrays.toString(epochs[0]), Arrays.toString(epochs[1]), "a fresh order each epoch");
  }

  @Test
  void aLongerBudgetReadsTheShorterOnesWindowsFirstAndResumesFromItsState() throws IOException {
    TokenFile f = file(5000);
    int context = 16, batch = 4;
    WindowSampler a = WindowSampler.of(WindowSampler.Order.PERMUTATION, f, context, 9);
    WindowSampler b = WindowSampler.of(WindowSampler.Order.PERMUTATION, f, context, 9);
    int[] ta = new int[batch * context], tb = new int[batch * context], y = new int[batch * context];
    for (int step = 0; step < 200; step++) {
      a.nextBatch(ta, y, batch);
      if (step == 37) {
        // "checkpoint" b, then rebuild it from its state alone
        long state = b.state();
        b = WindowSampler.of(WindowSampler.Order.PERMUTATION, f, context, 9);
        b.restore(state);
      }
      b.nextBatch(tb, y, batch);
      assertArrayEquals(ta, tb, "step " + step);
    }
  }

  @Test
  void theRandomOrderCountsItsDrawsAndResumes() throws IOException {
    TokenFile f = file(1000);
    WindowSampler s = WindowSampler.of(WindowSampler.Order.RANDOM, f, 9, 5);
    int[] t = new int[3 * 9], y = new int[3 * 9];
    s.nextBatch(t, y, 3);
    long state = s.state();
    s.nextBatch(t, y, 3);
    assertEquals(6 * 10 / 1000.0, s.epochs(), 1e-12, "six windows of ten tokens");
    int[] expected = t.clone();
    WindowSampler r = WindowSampler.of(WindowSampler.Order.RANDOM, f, 9, 5);
    r.restore(state);
    r.nextBatch(t, y, 3);
    assertArrayEquals(expected, t);
  }
}
