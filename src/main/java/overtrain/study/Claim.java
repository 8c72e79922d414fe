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

/**
 * A worker's hold on a cell: the file {@code cells/<id>/claim}, made whole and exclusively (the
 * owner's record is written to a file of its own, then hard-linked to the name {@code claim},
 * which fails when the name exists, on local disks and NFS alike), kept fresh by touching it.
 *
 * <p>A claim is stale when its last heartbeat is older than the timeout, or at once when its
 * owner ran on this host and that process is gone. A stale claim is taken over by renaming it
 * aside under a name of the taker's own: of two takers, one rename moves it and the other
 * finds nothing to move. The mover checks that what it moved is the stale claim it judged (the
 * same owner token, still silent); if a fresh claim slipped in between, it puts that one back.
 * The owner checks its token at every heartbeat and stops when the claim is no longer its own.
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
          takeOver(file, owner.get(), timeout, token);
        }
      }
      return Optional.empty(); // lost every race: someone else is at it
    } finally {
      Files.deleteIfExists(mine);
    }
  }

  private static void takeOver(Path file, Owner stale, Duration timeout, String token) throws IOException {
    Path aside = file.resolveSibling(".claim-stale-" + token);
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return; // another taker moved it first
    }
    Optional<Owner> moved = read(aside);
    if (moved.isPresent() && !(moved.get().token().equals(stale.token()) && isStale(moved.get(), timeout))) {
      // A live claim was moved by mistake (made after ours was judged): restore it.
      try {
        link(file, aside);
      } catch (FileAlreadyExistsException e) {
        // A third worker claimed meanwhile; the restored owner will find its claim gone.
      }
    }
    Files.deleteIfExists(aside);
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
