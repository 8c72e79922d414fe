package overtrain.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GemmTest {
  private static final double U = Math.ulp(1f) / 2; // unit roundoff of float

  /** One product to check: shape, transposes, offsets, padding of every leading dimension. */
  private record Case(boolean ta, boolean tb, int m, int n, int k, int padA, int padB, int padC,
      int offA, int offB, int offC, boolean accumulate) {
    int lda() { return (ta ? m : k) + padA; }
    int ldb() { return (tb ? k : n) + padB; }
    int ldc() { return n + padC; }
    int sizeA() { return offA + (ta ? k : m) * lda() + 3; }
    int sizeB() { return offB + (tb ? n : k) * ldb() + 3; }
    int sizeC() { return offC + m * ldc() + 3; }
  }

  @Test
  void matchesDoublePrecisionReferenceOnEdgeShapes() {
    int[] sizes = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 64, 129};
    SplittableRandom rnd = new SplittableRandom(1);
    for (int t = 0; t < 400; t++) {
      int m = sizes[rnd.nextInt(sizes.length)];
      int n = sizes[rnd.nextInt(sizes.length)];
      int k = t % 7 == 0 ? 1 : sizes[rnd.nextInt(sizes.length)];
      check(randomCase(rnd, m, n, k), rnd, false);
    }
  }

  @Test
  void matchesReferenceAcrossDepthBlocksAndColumnBlocks() {
    SplittableRandom rnd = new SplittableRandom(2);
    // k past one and two KC blocks, n past NC, m past MC: every boundary of the blocking; and
    // last panels of one, two and three vectors of columns (16, 80; 32, 96; 48, 112) added to
    // over depth blocks; then the same with A packed (n of 256 and more, k of KC and more),
    // m past MC_PACKED and short of a whole packed tile; and a tall narrow C over A stored
    // transposed (the output head's weight gradient), which packs A.
    int[][] shapes = {{128, 32, 32}, {37, 45, Gemm.KC + 1}, {200, Gemm.NC + 40, 70},
        {Gemm.MC + 9, 50, 2 * Gemm.KC + 3}, {64, 96, 4 * Gemm.KC + 6},
        {Gemm.MC + 9, 48, 2 * Gemm.KC + 3}, {40, 16, Gemm.KC + 7}, {Gemm.MC + 9, 80, Gemm.KC + 2},
        {50, 112, 2 * Gemm.KC + 1}, {Gemm.MC_PACKED + 9, 256 + 16, Gemm.KC + 5},
        {Gemm.MC_PACKED - 3, 256 + 32, 2 * Gemm.KC + 1}, {33, 256 + 48, Gemm.KC},
        {2 * Gemm.MC_PACKED + 1, Gemm.NC + 64, Gemm.KC + 17},
        {Gemm.MC_BY_DEPTH + 9, Gemm.NC_BY_DEPTH + 80, 3 * Gemm.KC + 130}};
    for (int[] s : shapes) {
      for (int variant = 0; variant < 4; variant++) {
        check(randomCase(rnd, s[0], s[1], s[2]), rnd, true);
      }
    }
    for (int n : new int[] {16, 32}) {
      int m = Gemm.PACKED_A_ROWS + 7, k = Gemm.KC + 3;
      assertTrue(Gemm.packsA(true, m, n, k));
      check(new Case(true, false, m, n, k, 0, 0, 0, 0, 0, 0, false), rnd, true);
      check(new Case(true, true, m, n, k, 2, 1, 3, 1, 2, 3, true), rnd, true);
    }
  }

  @Test
  void trainingShapesInAllFourTransposes() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int tr = 0; tr < 4; tr++) {
      Case c = new Case((tr & 1) != 0, (tr & 2) != 0, 256, 192, 128, 0, 0, 0, 0, 0, 0, tr == 3);
      check(c, rnd, true);
    }
  }

  /**
   * A weight gradient's A is packed a vector of each depth step at a time, a vector reaching
   * past the tile's rows: where the array ends with the matrix it may not read past it, and
   * the product is the one an array with room after it gives, bit for bit.
   */
  @Test
  void packedTransposedAAtTheEndOfItsArrayGivesTheSameBits() {
    SplittableRandom rnd = new SplittableRandom(9);
    int m = 2 * Gemm.MR_PACKED, n = 256, k = Gemm.KC + 3;
    assertTrue(Gemm.packsA(true, m, n, k));
    float[] exact = random(rnd, k * m), roomy = java.util.Arrays.copyOf(exact, k * m + Gemm.NR);
    float[] b = random(rnd, k * n), c1 = new float[m * n], c2 = new float[m * n];
    Gemm.run(true, false, m, n, k, exact, 0, m, b, 0, n, c1, 0, n, false, false);
    Gemm.run(true, false, m, n, k, roomy, 0, m, b, 0, n, c2, 0, n, false, false);
    for (int i = 0; i < m * n; i++) {
      assertEquals(Float.floatToRawIntBits(c2[i]), Float.floatToRawIntBits(c1[i]), "at " + i);
    }
  }

  /**
   * A as stored packs into tiles of MR_PACKED rows, A(i0 + t + r, p0 + p) at t*kc + p*MR_PACKED
   * + r, rows past the matrix as zeros: every count of rows in a last tile (whose rows are
   * copied eight, four and one at a time), depth blocks of any length, rows far enough apart to
   * be read ahead, and A ending with its array.
   */
  @Test
  void aAsStoredPacksEachNumberWhereTheKernelReadsIt() {
    SplittableRandom rnd = new SplittableRandom(10);
    int[] depths = {Gemm.KC, 17, 5};
    int[] extras = {0, 3, Gemm.TOUCH_LDA};
    for (int rows = 1; rows <= 2 * Gemm.MR_PACKED + 1; rows++) {
      for (int kc : depths) {
        for (int extra : extras) {
          int i0 = 2, p0 = 7, lda = p0 + kc + extra, aOff = 3;
          float[] a = random(rnd, aOff + (i0 + rows - 1) * lda + p0 + kc); // A ends the array
          int tiles = (rows + Gemm.MR_PACKED - 1) / Gemm.MR_PACKED;
          float[] ap = random(rnd, tiles * Gemm.MR_PACKED * kc + 5);
          float[] after = java.util.Arrays.copyOfRange(ap, tiles * Gemm.MR_PACKED * kc, ap.length);
          Gemm.packStoredA(a, aOff, lda, i0, rows, p0, kc, ap);
          for (int t = 0; t < rows; t += Gemm.MR_PACKED) {
            for (int p = 0; p < kc; p++) {
              for (int r = 0; r < Gemm.MR_PACKED; r++) {
                float want = t + r < rows ? a[aOff + (i0 + t + r) * lda + p0 + p] : 0f;
                assertEquals(want, ap[t * kc + p * Gemm.MR_PACKED + r], "row " + (t + r) + " of "
                    + rows + ", depth " + p + " of " + kc + ", lda " + lda);
              }
            }
          }
          assertArrayEquals(after, java.util.Arrays.copyOfRange(ap, tiles * Gemm.MR_PACKED * kc,
              ap.length), "past the tiles");
        }
      }
    }
  }

  /**
   * Timing by kind counts the products started outside parallel bodies while it is on, each
   * kind under its shape and forms, with its calls and floating-point operations.
   */
  @Test
  void productTimesCountTopLevelProductsWhileOn() {
    SplittableRandom rnd = new SplittableRandom(11);
    int m = 40, n = 24, k = 30;
    float[] a = random(rnd, m * k), b = random(rnd, n * k), c = new float[m * n];
    ProductTimes.clear();
    Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
    assertEquals(List.of(), ProductTimes.entries(), "nothing is timed while off");
    ProductTimes.enable(true);
    try {
      Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
      Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, true);
      Gemm.PackedB packed = new Gemm.PackedB().pack(true, n, k, b, 0, k);
      Gemm.sgemm(true, m, n, a, 0, m, packed, c, 0, n, false);
      Parallel.range(4, (from, to) -> {
        for (int i = from; i < to; i++) Gemm.sgemm(false, true, 8, n, k, a, 0, k, b, 0, k, new float[8 * n], 0, n, false);
      });
    } finally {
      ProductTimes.enable(false);
    }
    Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
    Map<String, ProductTimes.Entry> byName = ProductTimes.entries().stream()
        .collect(Collectors.toMap(ProductTimes.Entry::product, e -> e));
    assertEquals(Parallel.threads() > 1 ? 3 : 4, byName.size(), byName.toString());
    assertEquals(2, byName.get("40x24x30 NT").calls(), byName.toString());
    assertEquals(2 * 2.0 * m * n * k, byName.get("40x24x30 NT").flops());
    assertEquals(1, byName.get("40x24x30 TP").calls(), byName.toString());
    assertEquals(0, byName.get("pack B 30x24 T").flops());
    for (ProductTimes.Entry e : byName.values()) assertTrue(e.nanos() >= 0, e.toString());
    ProductTimes.clear();
    assertEquals(List.of(), ProductTimes.entries());
  }

  /**
   * The copies of operands into the kernels' layouts are timed while timing is on, inside
   * parallel bodies too, A's apart from B's; nothing while off, and clear() forgets them.
   */
  @Test
  void productTimesCountCopiesOfOperandsWhileOn() {
    SplittableRandom rnd = new SplittableRandom(12);
    int m = 64, n = 256, k = Gemm.KC; // wide and deep enough that A is packed
    assertTrue(Gemm.packsA(false, m, n, k));
    float[] a = random(rnd, m * k), b = random(rnd, n * k), c = new float[m * n];
    ProductTimes.clear();
    Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
    assertEquals(0, ProductTimes.copyNanos(true), "nothing is timed while off");
    assertEquals(0, ProductTimes.copyNanos(false), "nothing is timed while off");
    ProductTimes.enable(true);
    try {
      Parallel.range(2, (from, to) -> {
        for (int i = from; i < to; i++) {
          Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, new float[m * n], 0, n, false);
        }
      });
    } finally {
      ProductTimes.enable(false);
    }
    long copyA = ProductTimes.copyNanos(true), packB = ProductTimes.copyNanos(false);
    assertTrue(copyA > 0, "A copied into tiles inside a parallel body: " + copyA);
    assertTrue(packB > 0, "B packed into panels inside a parallel body: " + packB);
    assertEquals(List.of(), ProductTimes.entries(), "products inside parallel bodies: no entries");
    Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
    assertEquals(copyA, ProductTimes.copyNanos(true), "off again");
    ProductTimes.clear();
    assertEquals(0, ProductTimes.copyNanos(true) + ProductTimes.copyNanos(false));
  }

  @Test
  void productsStartedInsideParallelBodiesRunOnTheirOwnThread() {
    SplittableRandom rnd = new SplittableRandom(4);
    int m = 96, n = 80, k = 300, heads = 6;
    float[] a = random(rnd, heads * m * k), b = random(rnd, heads * k * n);
    float[] expected = new float[heads * m * n], actual = new float[heads * m * n];
    for (int h = 0; h < heads; h++) {
      Gemm.sgemmSerial(false, false, m, n, k, a, h * m * k, k, b, h * k * n, n,
          expected, h * m * n, n, false);
    }
    boolean[] onWorker = new boolean[heads];
    Parallel.range(heads, (from, to) -> {
      for (int h = from; h < to; h++) {
        onWorker[h] = Parallel.inBody();
        Gemm.sgemm(false, false, m, n, k, a, h * m * k, k, b, h * k * n, n,
            actual, h * m * n, n, false);
      }
    });
    assertArrayEquals(expected, actual);
    for (int h = 0; h < heads; h++) assertEquals(Parallel.threads() > 1, onWorker[h]);
    assertFalse(Parallel.inBody(), "the test thread is outside any body");
  }

  @Test
  void emptyDepthClearsOrKeepsC() {
    float[] c = {1, 2, 3, 4};
    Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true);
    assertArrayEquals(new float[] {1, 2, 3, 4}, c);
    Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[4], c);
  }

  @Test
  void overwriteIgnoresWhatCHeld() {
    float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
    float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    Gemm.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c);
  }

  @Test
  void rejectsMatricesOutsideTheirArrays() {
    float[] small = new float[10];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 4, 4, 4, small, 0, 4, new float[16], 0, 4,
            new float[16], 0, 4, false));
    assertTrue(e.getMessage().contains("A (4x4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, true, 2, 3, 4, new float[8], 0, 4, new float[12], 0, 3,
            new float[6], 0, 3, false));
    assertTrue(e.getMessage().contains("leading dimension of B is 3, expected at least 4"),
        e.getMessage());
  }

  @Test
  void packedBGivesTheSameBitsOnAnyPrefixOfItsColumns() {
    SplittableRandom rnd = new SplittableRandom(5);
    Gemm.PackedB packed = new Gemm.PackedB(); // reused across shapes, as callers do
    int[][] shapes = {{64, 40, 64}, {37, 200, 17}, {129, 70, Gemm.KC + 5}, {8, 33, 2 * Gemm.KC}};
    for (int[] shape : shapes) {
      for (int tr = 0; tr < 4; tr++) {
        boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
        int m = shape[0], n = shape[1], k = shape[2], packedN = n + rnd.nextInt(0, 40);
        int lda = ta ? m : k, ldb = tb ? k : packedN;
        float[] a = random(rnd, m * k), b = random(rnd, packedN * k);
        float[] expected = new float[m * n], c = new float[m * n];
        Gemm.run(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, expected, 0, n, false, false);
        packed.pack(tb, packedN, k, b, 0, ldb);
        Gemm.sgemm(ta, m, n, a, 0, lda, packed, c, 0, n, false);
        assertArrayEquals(expected, c, "m " + m + " n " + n + " of " + packedN + " k " + k + " tr " + tr);
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, 8, 100, new float[8 * 2 * Gemm.KC], 0, 2 * Gemm.KC, packed,
            new float[800], 0, 100, false));
  }

  /**
   * A B too large for L2 is packed a depth block at a time for each work item rather than whole
   * for the product: each element of C must still be summed in the same order, so the product
   * gives the bits of the same product over the whole B packed ahead. Row and column blocks of
   * those items, their edges and a narrow last panel, in all four transposes, added to C or not,
   * on one thread and on the engine's.
   */
  @Test
  void bPackedADepthBlockAtATimeGivesTheWholePackedBsBits() {
    SplittableRandom rnd = new SplittableRandom(10);
    int[][] shapes = {{Gemm.MC_BY_DEPTH + 23, Gemm.NC_BY_DEPTH + 64 + 16, 3 * Gemm.KC + 130},
        {Gemm.MR_PACKED + 3, 256, 8 * Gemm.KC + 1}};
    Gemm.PackedB packed = new Gemm.PackedB();
    for (int[] shape : shapes) {
      int m = shape[0], n = shape[1], k = shape[2];
      assertTrue(Gemm.packsBByDepth(false, m, n, k) && Gemm.packsBByDepth(true, m, n, k));
      for (int tr = 0; tr < 8; tr++) {
        Variant v = Variant.of(tr, m, n, k, rnd);
        float[] expected = v.c0().clone(), c = v.c0().clone();
        packed.pack(v.tb(), n, k, v.b(), 0, v.ldb());
        Gemm.sgemm(v.ta(), m, n, v.a(), 0, v.lda(), packed, expected, 0, n, v.accumulate());
        Gemm.run(v.ta(), v.tb(), m, n, k, v.a(), 0, v.lda(), v.b(), 0, v.ldb(), c, 0, n,
            v.accumulate(), v.parallel());
        assertSameBits(expected, c, "m " + m + " n " + n + " k " + k + " tr " + tr);
      }
    }
  }

  /**
   * Over a whole packed B too large for L2, a work item covers several packed blocks of rows and
   * takes them in turn within each depth block: each element of C must still be summed in the
   * same order, so the product gives the bits of its rows computed MC_PACKED at a time, as
   * products of their own. All four transposes, a narrow last panel, a last block of rows short
   * of MC_PACKED, added to C or not, on one thread and on the engine's.
   */
  @Test
  void itemsOfSeveralPackedRowBlocksGiveTheBitsOfEachBlockAlone() {
    SplittableRandom rnd = new SplittableRandom(11);
    int m = 2 * Gemm.MC_BY_DEPTH + 23, n = 256 + 16, k = 8 * Gemm.KC + 1;
    assertFalse(Gemm.packsBByDepth(false, m, n, k) || Gemm.packsBByDepth(true, m, n, k));
    for (int minItems : new int[] {1, Gemm.ITEMS_PER_THREAD * Parallel.threads()}) {
      assertTrue(Gemm.itemShape(m, n, k, true, minItems) >>> 32 > Gemm.MC_PACKED,
          "items of one packed row block at " + minItems + " items");
    }
    for (int tr = 0; tr < 8; tr++) {
      Variant v = Variant.of(tr, m, n, k, rnd);
      float[] expected = v.c0().clone(), c = v.c0().clone();
      for (int i0 = 0; i0 < m; i0 += Gemm.MC_PACKED) {
        int rows = Math.min(Gemm.MC_PACKED, m - i0);
        Gemm.run(v.ta(), v.tb(), rows, n, k, v.a(), v.ta() ? i0 : i0 * v.lda(), v.lda(), v.b(), 0,
            v.ldb(), expected, i0 * n, n, v.accumulate(), false);
      }
      Gemm.run(v.ta(), v.tb(), m, n, k, v.a(), 0, v.lda(), v.b(), 0, v.ldb(), c, 0, n,
          v.accumulate(), v.parallel());
      assertSameBits(expected, c, "tr " + tr);
    }
  }

  /**
   * A last panel narrower than the tile (one or two vectors of columns) is multiplied by its
   * own kernel, and a narrow product reads A in place where a wide one packs it (but for a
   * tall A stored transposed, packed at every width): each element must still be the sum the
   * full tile makes of it, so a product of n columns gives the bits of the same columns taken
   * from a product over a wider B.
   */
  @Test
  void narrowLastPanelsGiveTheFullTilesBits() {
    SplittableRandom rnd = new SplittableRandom(8);
    int wide = 256 + 2 * Gemm.NR, k = Gemm.KC + 9;
    int shortM = 2 * Gemm.MR_PACKED + 5, tall = Gemm.PACKED_A_ROWS + 5;
    assertTrue(Gemm.packsA(false, shortM, wide, k) && Gemm.packsA(true, shortM, wide, k)
        && !Gemm.packsA(false, shortM, Gemm.NR, k) && !Gemm.packsA(true, shortM, Gemm.NR, k)
        && Gemm.packsA(true, tall, 16, k) && !Gemm.packsA(false, tall, 16, k),
        "the wide product packs A, the narrow ones read it in place, but for a tall A^T");
    for (int n : new int[] {16, 32, 48, Gemm.NR + 16, Gemm.NR + 32, Gemm.NR + 48, 256 + 16,
        256 + 32, 256 + 48}) {
      // tr 4 and 5: a tall weight gradient (A transposed), whose A is packed at every width
      for (int tr = 0; tr < (n < 128 ? 6 : 4); tr++) {
        boolean ta = (tr & 1) != 0 || tr >= 4, tb = (tr & 2) != 0 || tr == 5;
        boolean accumulate = tr == 3 || tr == 5;
        int m = tr >= 4 ? tall : shortM;
        int lda = ta ? m : k, ldb = tb ? k : wide;
        float[] a = random(rnd, m * k), b = random(rnd, wide * k), c0 = random(rnd, m * wide);
        float[] full = c0.clone(), narrow = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(c0, i * wide, narrow, i * n, n);
        Gemm.run(ta, tb, m, wide, k, a, 0, lda, b, 0, ldb, full, 0, wide, accumulate, false);
        Gemm.run(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, narrow, 0, n, accumulate, false);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            assertEquals(Float.floatToRawIntBits(full[i * wide + j]),
                Float.floatToRawIntBits(narrow[i * n + j]),
                "n " + n + " tr " + tr + " at (" + i + ", " + j + ")");
          }
        }
      }
    }
  }

  /**
   * A weight matrix held in bfloat16, widened as it is packed, multiplies exactly as the same
   * numbers held in float32 do: on edge shapes, with an offset and a leading dimension past k,
   * and on a B large enough that it is packed on the engine's threads.
   */
  @Test
  void bfloat16WeightsPackToTheProductOfTheirFloat32Values() {
    SplittableRandom rnd = new SplittableRandom(7);
    Gemm.PackedB packed = new Gemm.PackedB();
    int[][] shapes = {{5, 3, 7}, {64, 40, 64}, {37, 200, Gemm.KC + 5}, {16, 300, 256}};
    for (int[] shape : shapes) {
      int m = shape[0], n = shape[1], k = shape[2], off = rnd.nextInt(0, 5), ldb = k + rnd.nextInt(0, 3);
      float[] a = random(rnd, m * k);
      short[] half = new short[off + n * ldb];
      float[] wide = new float[half.length];
      for (int i = 0; i < half.length; i++) {
        half[i] = BFloat16.round((float) rnd.nextGaussian());
        wide[i] = BFloat16.toFloat(half[i]);
      }
      float[] expected = new float[m * n], c = new float[m * n];
      Gemm.sgemm(false, true, m, n, k, a, 0, k, wide, off, ldb, expected, 0, n, false);
      Gemm.sgemm(false, m, n, a, 0, k, packed.packTransposed(n, k, half, off, ldb), c, 0, n, false);
      assertArrayEquals(expected, c, "m " + m + " n " + n + " k " + k);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> packed.packTransposed(4, 8, new short[31], 0, 8));
    assertTrue(e.getMessage().contains("needs 32 elements, array has 31"), e.getMessage());
  }

  @Test
  void groupGivesEachProductTheBitsItHasAlone() {
    SplittableRandom rnd = new SplittableRandom(6);
    Gemm.Group group = new Gemm.Group();
    // weight gradients against one packed input (A transposed), then projections of one input
    // (each its own packed B), large enough together to run on two threads; edge tiles included
    int[][] shapes = {{128, 96, 2048}, {100, 96, 2048}, {136, 96, 2048}};
    for (boolean ta : new boolean[] {true, false}) {
      Gemm.PackedB shared = new Gemm.PackedB();
      float[] b = random(rnd, 2048 * 96);
      shared.pack(false, 96, 2048, b, 0, 96);
      float[][] expected = new float[shapes.length][], c = new float[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        int m = ta ? shapes[i][0] : 4 * shapes[i][0], n = shapes[i][1], k = shapes[i][2];
        boolean accumulate = i != 1;
        float[] a = random(rnd, m * k);
        expected[i] = random(rnd, m * n);
        c[i] = expected[i].clone();
        Gemm.run(ta, false, m, n, k, a, 0, ta ? m : k, b, 0, n, expected[i], 0, n, accumulate, false);
        group.add(ta, m, n, a, 0, ta ? m : k, shared, c[i], 0, n, accumulate);
      }
      group.run();
      for (int i = 0; i < shapes.length; i++) assertArrayEquals(expected[i], c[i], "ta " + ta + " product " + i);
    }
  }

  /**
   * Variant tr (0 to 7) of an m x n x k product with random operands, stored tightly: A
   * transposed when bit 0 is set, B when bit 1 is, on the engine's threads when bit 2 is, added
   * to C for every third.
   */
  private record Variant(boolean ta, boolean tb, boolean parallel, boolean accumulate,
      int lda, int ldb, float[] a, float[] b, float[] c0) {
    static Variant of(int tr, int m, int n, int k, SplittableRandom rnd) {
      boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
      return new Variant(ta, tb, (tr & 4) != 0, tr % 3 == 0, ta ? m : k, tb ? k : n,
          random(rnd, m * k), random(rnd, n * k), random(rnd, m * n));
    }
  }

  private static void assertSameBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          what + " at " + i);
    }
  }

  private static Case randomCase(SplittableRandom rnd, int m, int n, int k) {
    boolean padded = rnd.nextBoolean();
    return new Case(rnd.nextBoolean(), rnd.nextBoolean(), m, n, k,
        padded ? rnd.nextInt(1, 5) : 0, padded ? rnd.nextInt(1, 5) : 0,
        padded ? rnd.nextInt(1, 5) : 0,
        rnd.nextInt(0, 4), rnd.nextInt(0, 4), rnd.nextInt(0, 4), rnd.nextBoolean());
  }

  /**
   * Runs the case through sgemm (when asked, forced onto the pool and against sgemmSerial, which
   * must give the same bits)
   * and compares every element with a double-precision product, within the classic bound
   * (k + 2) u sum|a||b| (+ one rounding of the old C when accumulating); elements outside the
   * m x n block must keep their values exactly.
   */
  private static void check(Case t, SplittableRandom rnd, boolean parallel) {
    float[] a = random(rnd, t.sizeA()), b = random(rnd, t.sizeB()), c0 = random(rnd, t.sizeC());
    float[] c = c0.clone();
    // The pool is used whatever the size when asked, so that small tests cover its path too.
    Gemm.run(t.ta(), t.tb(), t.m(), t.n(), t.k(), a, t.offA(), t.lda(), b, t.offB(), t.ldb(),
        c, t.offC(), t.ldc(), t.accumulate(), parallel);
    if (parallel) {
      float[] serial = c0.clone();
      Gemm.sgemmSerial(t.ta(), t.tb(), t.m(), t.n(), t.k(), a, t.offA(), t.lda(), b, t.offB(),
          t.ldb(), serial, t.offC(), t.ldc(), t.accumulate());
      assertArrayEquals(c, serial, "serial and parallel differ for " + t);
    }
    boolean[] inside = new boolean[c.length];
    for (int i = 0; i < t.m(); i++) {
      for (int j = 0; j < t.n(); j++) {
        double sum = 0, abs = 0;
        for (int p = 0; p < t.k(); p++) {
          double x = t.ta() ? a[t.offA() + p * t.lda() + i] : a[t.offA() + i * t.lda() + p];
          double y = t.tb() ? b[t.offB() + j * t.ldb() + p] : b[t.offB() + p * t.ldb() + j];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        int at = t.offC() + i * t.ldc() + j;
        inside[at] = true;
        double old = t.accumulate() ? c0[at] : 0;
        double tol = (t.k() + 2) * U * (abs + Math.abs(old));
        assertEquals(sum + old, c[at], tol, "C[" + i + "," + j + "] of " + t);
      }
    }
    for (int x = 0; x < c.length; x++) {
      if (!inside[x]) assertEquals(c0[x], c[x], "element " + x + " outside C changed in " + t);
    }
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
    return x;
  }
}
