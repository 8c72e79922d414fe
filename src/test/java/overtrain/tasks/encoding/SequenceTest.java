package overtrain.tasks.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceTest {

  @Test
  void fitsWithoutTruncation() {
    Sequence s = Sequence.of(new int[] {1, 2, 3}, new int[] {7, 8}, 8);
    assertArrayEquals(new int[] {1, 2, 3, 7, 8}, s.tokens());
    assertEquals(3, s.firstTarget());
    assertEquals(0, s.truncated());
    assertEquals(2, s.targetCount());
  }

  @Test
  void truncationDropsTheLeftOfTheInputAndKeepsTheContinuation() {
    int[] context = {10, 11, 12, 13, 14, 15};
    int[] continuation = {20, 21, 22};
    Sequence s = Sequence.of(context, continuation, 5);
    // The model reads 5 tokens, so 6 are kept: the last three of the context, all of the answer.
    assertArrayEquals(new int[] {13, 14, 15, 20, 21, 22}, s.tokens());
    assertEquals(3, s.truncated());
    assertEquals(3, s.targetCount());
    assertEquals(3, s.firstTarget());
  }

  @Test
  void aContinuationLongerThanTheWindowKeepsItsEnd() {
    Sequence s = Sequence.of(new int[] {0}, new int[] {1, 2, 3, 4, 5, 6}, 3);
    assertArrayEquals(new int[] {3, 4, 5, 6}, s.tokens());
    assertEquals(1, s.firstTarget());
    assertEquals(3, s.truncated());
  }

  @Test
  void aContinuationThatOutgrowsTheContextIsScoredInRollingWindows() {
    int[] context = {100, 101};
    int[] continuation = new int[10];
    for (int i = 0; i < continuation.length; i++) continuation[i] = i;
    List<Sequence> windows = Sequence.windows(context, continuation, 4);
    // Predictions 0-3, 4-7, 8-9; each window reads as much as fits before its predictions.
    assertEquals(3, windows.size());
    assertEquals(new Sequence(new int[] {101, 0, 1, 2, 3}, 1, 1), windows.get(0));
    assertEquals(new Sequence(new int[] {3, 4, 5, 6, 7}, 1, 5), windows.get(1));
    assertEquals(new Sequence(new int[] {5, 6, 7, 8, 9}, 3, 7), windows.get(2));
    assertEquals(List.of(Sequence.of(context, new int[] {1, 2}, 4)),
        Sequence.windows(context, new int[] {1, 2}, 4));
  }

  @Test
  void batchPadsOnTheRightAndMasksContextAndPadding() {
    Sequence a = Sequence.of(new int[] {1, 2}, new int[] {3, 4}, 16);
    Sequence b = Sequence.of(new int[] {5}, new int[] {6}, 16);
    Batch batch = Batch.of(List.of(a, b), 99);
    assertEquals(3, batch.seqLen());
    assertArrayEquals(new int[] {1, 2, 3, 5, 99, 99}, batch.tokens());
    assertArrayEquals(new int[] {-1, 3, 4, 6, -1, -1}, batch.targets());
    assertEquals(3, batch.targetCount());
  }

  @Test
  void emptyPartsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Sequence.of(new int[0], new int[] {1}, 4));
    assertThrows(IllegalArgumentException.class, () -> Sequence.of(new int[] {1}, new int[0], 4));
  }
}
