package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.io.Json;

class ClaimTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** A claim as a worker elsewhere would leave it, its heartbeat {@code age} ago. */
  private Path foreignClaim(String host, Duration age) throws Exception {
    Path file = dir.resolve("claim");
    Json.write(file, Json.object().put("host", host).put("pid", 1).put("process_start", "x")
        .put("token", "foreign").put("started", Instant.now().toString()));
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return file;
  }

  @Test
  void aLiveClaimExcludesOthersUntilReleased() throws Exception {
    Path file = dir.resolve("claim");
    Claim mine = Claim.acquire(file, TIMEOUT).orElseThrow();
    assertTrue(mine.isMine());
    assertTrue(Claim.acquire(file, TIMEOUT).isEmpty(), "held by a live process of this host");
    assertTrue(mine.heartbeat());
    assertEquals(ProcessHandle.current().pid(), Claim.read(file).orElseThrow().pid());
    mine.release();
    assertFalse(Files.exists(file));
    assertTrue(Claim.acquire(file, TIMEOUT).isPresent());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary files left beside the claim");
    }
  }

  @Test
  void aClaimFromAnotherHostIsStaleOnlyAfterItsTimeout() throws Exception {
    Path file = foreignClaim("elsewhere.example", Duration.ofSeconds(5));
    assertTrue(Claim.acquire(file, TIMEOUT).isEmpty(), "silent for 5 s of 60: still live");
    Claim taken = Claim.acquire(file, Duration.ofSeconds(2)).orElseThrow();
    assertTrue(taken.isMine());
  }

  @Test
  void aClaimOfAGoneProcessOfThisHostIsStaleAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path file = dir.resolve("claim");
    Json.write(file, Json.object().put("host", Claim.host()).put("pid", p.pid())
        .put("process_start", "gone").put("token", "dead").put("started", Instant.now().toString()));
    assertTrue(Claim.acquire(file, TIMEOUT).isPresent());
  }

  @Test
  void theFormerOwnerLearnsItsClaimWasTakenOver() throws Exception {
    Path file = dir.resolve("claim");
    Claim first = Claim.acquire(file, TIMEOUT).orElseThrow();
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
    Claim second = Claim.acquire(file, Duration.ofSeconds(2)).orElseThrow();
    assertFalse(first.heartbeat(), "the stalled owner must stop");
    first.release(); // must not remove the new owner's claim
    assertTrue(second.isMine());
  }

  @Test
  void ofManyRacingTakersExactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path file = foreignClaim("elsewhere.example", Duration.ofSeconds(30));
      int takers = 8;
      ExecutorService pool = Executors.newFixedThreadPool(takers);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Optional<Claim>>> results = new ArrayList<>();
      for (int i = 0; i < takers; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return Claim.acquire(file, Duration.ofSeconds(2));
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Optional<Claim>> r : results) if (r.get().isPresent()) winners++;
      pool.shutdown();
      assertEquals(1, winners, "round " + round);
      Files.delete(file);
    }
  }
}
