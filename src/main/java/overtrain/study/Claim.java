package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import overtrain.io.Json;

/**
 * A worker's hold on a cell: the file {@code cells/<id>/claim}, made whole and exclusively (the
 * owner's record is written to a file of its own, then hard-linked to the name {@code claim},
 * which fails when the name exists, on local disks and NFS alike), kept fresh by touching it.
 *
 * <p>A claim is stale when its last heartbeat is older than the timeout, or at once when its
 * owner ran on this host and that process is gone. A stale claim is taken over by renaming a
 * new claim over it, by one taker at a time, after checking it is still the claim judged stale
 * (the same owner token, still silent). An owner that was only paused past the timeout finds
 * at its next heartbeat that the claim carries another token, and stops.
 */
public final class Claim {
  /** Who holds a claim, and when it last showed it was alive. */
  public record Owner(String host, long pid, String processStart, String token, String started,
      Instant heartbeat) {
    /** How long ago the last heartbeat was. */
    public Duration age() {
      return Duration.between(heartbeat, Instant.now());
    }

    public String describe() {
      return host + " pid " + pid;
    }
  }

  private final Path file;
  private final String token;

  private Claim(Path file, String token) {
    this.file = file;
    this.token = token;
  }

  public Path file() {
    return file;
  }

  /**
   * Claims {@code file} for this process, taking over a stale claim; empty when a live worker
   * holds it.
   */
  public static Optional<Claim> acquire(Path file, Duration timeout) throws IOException {
    String token = UUID.randomUUID().toString();
    Path mine = file.resolveSibling(".claim-" + token);
    ObjectNode o = Json.object();
    o.put("host", host());
    o.put("pid", ProcessHandle.current().pid());
    o.put("process_start", processStart(ProcessHandle.current()));
    o.put("token", token);
    o.put("started", Instant.now().toString());
    Json.write(mine, o);
    try {
      for (int attempt = 0; attempt < 16; attempt++) {
        try {
          link(file, mine);
          return Optional.of(new Claim(file, token));
        } catch (FileAlreadyExistsException held) {
          Optional<Owner> owner = read(file);
          if (owner.isEmpty()) continue; // released between the two calls
          if (!isStale(owner.get(), timeout)) return Optional.empty();
          if (takeOver(file, owner.get(), timeout, mine, token)) return Optional.of(new Claim(file, token));
          Thread.onSpinWait();
        }
      }
      return Optional.empty(); // lost every race: someone else is at it
    } finally {
      Files.deleteIfExists(mine);
    }
  }

  /**
   * Replaces the stale claim with ours, or does nothing when another taker is at it or the
   * claim is no longer the one judged stale. The name {@code claim} never stops existing during
   * a takeover (the new claim is renamed over the old), so a plain claimer cannot slip in, and
   * takers of one stale claim go one at a time through a lock named for it (a folder: made
   * exclusively, and nothing written). A taker that died holding the lock leaves it; it is
   * cleared once older than the timeout.
   */
  private static boolean takeOver(Path file, Owner stale, Duration timeout, Path mine, String token)
      throws IOException {
    Path lock = file.resolveSibling(".takeover-" + stale.token());
    try {
      Files.createDirectory(lock);
    } catch (FileAlreadyExistsException busy) {
      try {
        if (Files.getLastModifiedTime(lock).toInstant().plus(timeout).isBefore(Instant.now())) {
          Files.deleteIfExists(lock);
        }
      } catch (NoSuchFileException gone) {
        // its taker finished
      }
      return false;
    }
    try {
      Optional<Owner> now = read(file);
      if (now.isEmpty() || !now.get().token().equals(stale.token()) || !isStale(now.get(), timeout)) {
        return false;
      }
      Path copy = file.resolveSibling(".claim-" + token + ".take");
      link(copy, mine);
      Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } finally {
      Files.deleteIfExists(lock);
    }
  }

  private static void link(Path file, Path existing) throws IOException {
    try {
      Files.createLink(file, existing);
    } catch (UnsupportedOperationException e) {
      // No hard links here: copy without replacing, which fails when the name exists.
      Files.copy(existing, file);
    }
  }

  /** The owner of the claim at {@code file}, if there is one. */
  public static Optional<Owner> read(Path file) throws IOException {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      JsonNode o = Json.MAPPER.readTree(Files.readAllBytes(file));
      return Optional.of(new Owner(o.path("host").asText(), o.path("pid").asLong(),
          o.path("process_start").asText(), o.path("token").asText(), o.path("started").asText(),
          t.toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Silent past the timeout, or owned by a process of this host that is gone. */
  public static boolean isStale(Owner owner, Duration timeout) {
    if (owner.age().compareTo(timeout) > 0) return true;
    if (!owner.host().equals(host())) return false;
    Optional<ProcessHandle> p = ProcessHandle.of(owner.pid());
    return p.isEmpty() || !processStart(p.get()).equals(owner.processStart());
  }

  /**
   * Shows the claim is alive. False when it is no longer this worker's (taken over after a
   * long pause): the worker must stop.
   */
  public boolean heartbeat() throws IOException {
    Optional<Owner> owner = read(file);
    if (owner.isEmpty() || !owner.get().token().equals(token)) return false;
    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    return true;
  }

  public boolean isMine() throws IOException {
    Optional<Owner> owner = read(file);
    return owner.isPresent() && owner.get().token().equals(token);
  }

  /** Gives the cell up, if the claim is still this worker's. */
  public void release() throws IOException {
    if (isMine()) Files.deleteIfExists(file);
  }

  private static String cachedHost;

  /** This machine's name, as claims and result records give it. */
  public static synchronized String host() {
    if (cachedHost == null) {
      try {
        Path proc = Path.of("/proc/sys/kernel/hostname");
        cachedHost = Files.exists(proc) ? Files.readString(proc).trim()
            : InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        cachedHost = "unknown";
      }
    }
    return cachedHost;
  }

  private static String processStart(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString).orElse("");
  }
}
