package overtrain.tokenizer;

import java.util.Arrays;

/**
 * An open-addressing map from a token pair to a long, without boxing: the merge table of the
 * encoder (pair to rank and merged id) and the pair index of the trainer. Keys are the two ids
 * packed into a long; -1 marks an empty slot, which no pair of non-negative ids packs to.
 */
final class PairMap {
  private long[] keys;
  private long[] values;
  private int size;

  PairMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, -1);
  }

  static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /** The value stored for the pair, or {@code missing}. */
  long get(long key, long missing) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) return values[i];
      if (k == -1) return missing;
    }
  }

  void put(long key, long value) {
    if (2 * (size + 1) > keys.length) grow();
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      if (keys[i] == -1) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
    }
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys, oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, -1);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != -1) put(oldKeys[i], oldValues[i]);
  }
}
