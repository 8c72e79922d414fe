package overtrain.data.corpus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The document-level train / held-out split: a document is held out when the hash of the seed
 * and its id falls below the held-out fraction. The decision depends on nothing but the id, so
 * it is the same on every machine, in any order, and a document is never on both sides.
 */
public record HeldOutSplit(double fraction, long seed) {
  public HeldOutSplit {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be in [0, 1), got " + fraction);
    }
  }

  public boolean isHeldOut(String id) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    sha.update((seed + "\u0000" + id).getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(sha.digest()).getLong() >>> 11;
    return bits * 0x1.0p-53 < fraction;
  }
}
