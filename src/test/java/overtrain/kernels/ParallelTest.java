package overtrain.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyIndexRunsExactlyOnceOverManyCalls() {
    for (int n : new int[] {0, 1, 2, 3, 7, 8, 9, 64, 1000}) {
      for (int call = 0; call < 200; call++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.range(n, (from, to) -> {
          for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n " + n + " index " + i);
      }
    }
  }

  @Test
  void rangesInsideABodyRunOnItsThreadAndOutsideNoBodyIsSeen() {
    assertFalse(Parallel.inBody());
    AtomicIntegerArray hits = new AtomicIntegerArray(16 * 16);
    Parallel.range(16, (from, to) -> {
      for (int i = from; i < to; i++) {
        Thread outer = Thread.currentThread();
        int row = i;
        Parallel.range(16, (f, t) -> {
          assertSame(outer, Thread.currentThread(), "a nested range left its thread");
          for (int j = f; j < t; j++) hits.incrementAndGet(row * 16 + j);
        });
      }
    });
    for (int i = 0; i < 256; i++) assertEquals(1, hits.get(i));
    assertFalse(Parallel.inBody());
  }

  @Test
  void anExceptionInABodyReachesTheCallerAndTheTeamStaysUsable() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.range(100, (from, to) -> {
          if (from <= 50 && 50 < to) throw new IllegalStateException("chunk with 50");
        }));
    assertEquals("chunk with 50", e.getMessage());
    AtomicIntegerArray hits = new AtomicIntegerArray(100);
    Parallel.range(100, (from, to) -> {
      for (int i = from; i < to; i++) hits.incrementAndGet(i);
    });
    for (int i = 0; i < 100; i++) assertEquals(1, hits.get(i));
  }

  @Test
  void twoCallersAtOnceBothFinish() throws InterruptedException {
    AtomicIntegerArray hits = new AtomicIntegerArray(2 * 500);
    Thread[] callers = new Thread[2];
    for (int c = 0; c < 2; c++) {
      int base = c * 500;
      callers[c] = new Thread(() -> {
        for (int call = 0; call < 100; call++) {
          int first = base + call * 5;
          Parallel.range(5, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(first + i);
          });
        }
      });
      callers[c].start();
    }
    for (Thread t : callers) t.join(60_000);
    for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i), "index " + i);
  }
}
