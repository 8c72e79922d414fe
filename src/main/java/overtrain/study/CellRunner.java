package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * Runs one cell in this process: claims it, keeps the claim alive, runs the cell's executor and
 * writes result.json. What {@code study run-cell} does, on a local worker or a Slurm task.
 */
public final class CellRunner {
  /** How a run ended. */
  public enum Outcome { DONE, ALREADY_DONE }

  private static final long POLL_MILLIS = 250;

  private final StudyDir dir;
  private final PrintStream log;

  public CellRunner(StudyDir dir, PrintStream log) {
    this.dir = dir;
    this.log = log;
  }

  /**
   * Runs cell {@code id} unless it is done. Waits for dependencies that another worker is
   * running and for a live claim on the cell itself (then it is usually done by the time it is
   * free); fails when a dependency is neither done nor running.
   */
  public Outcome run(String id) throws Exception {
    StudyPlan plan = dir.plan();
    Cell cell = plan.cell(id);
    Duration timeout = plan.claimTimeout();
    if (dir.isDone(id)) return Outcome.ALREADY_DONE;
    waitForDependencies(cell, timeout);
    Claim claim;
    while (true) {
      if (dir.isDone(id)) return Outcome.ALREADY_DONE;
      Optional<Claim> c = Claim.acquire(dir.claim(id), timeout);
      if (c.isPresent()) {
        claim = c.get();
        break;
      }
      Thread.sleep(POLL_MILLIS);
    }
    // Done between the check and the claim: the claim was someone's who finished.
    if (dir.isDone(id)) {
      claim.release();
      return Outcome.ALREADY_DONE;
    }
    return runClaimed(cell, claim, timeout);
  }

  private void waitForDependencies(Cell cell, Duration timeout) throws Exception {
    for (String d : cell.dependsOn()) {
      while (!dir.isDone(d)) {
        Optional<Claim.Owner> owner = dir.owner(d);
        if (owner.isEmpty() || Claim.isStale(owner.get(), timeout)) {
          throw new IllegalStateException(cell.label() + ": its dependency "
              + dir.plan().cell(d).label() + " (" + d + ") is not done and no worker is running it;"
              + " run it first (study run, or resubmit)");
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
  }

  private Outcome runClaimed(Cell cell, Claim claim, Duration timeout) throws Exception {
    String id = cell.id();
    Path cellDir = dir.cellDir(id);
    Thread releaseOnExit = new Thread(() -> {
      try {
        claim.release();
      } catch (IOException ignored) {
        // the claim goes stale instead
      }
    });
    Runtime.getRuntime().addShutdownHook(releaseOnExit);
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "claim-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long beatMillis = Math.max(100, Math.min(5_000, timeout.toMillis() / 4));
    beats.scheduleAtFixedRate(() -> {
      try {
        if (!claim.heartbeat()) {
          // Taken over after this process stalled past the timeout: another worker is on it now.
          log.println("run-cell: " + cell.label() + ": claim taken over by another worker; stopping");
          log.flush();
          Runtime.getRuntime().halt(3);
        }
      } catch (IOException e) {
        log.println("run-cell: heartbeat failed: " + e.getMessage());
      }
    }, beatMillis, beatMillis, TimeUnit.MILLISECONDS);

    boolean resumed;
    try (var files = Files.list(cellDir)) {
      resumed = files.anyMatch(p -> !Map.of("cell.json", 1, "claim", 1, "log.txt", 1, "failed.json", 1)
          .containsKey(p.getFileName().toString()) && !p.getFileName().toString().startsWith("."));
    }
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    log.println("run-cell: start " + id + " " + cell.label() + (resumed ? " (resuming)" : "")
        + " on " + Claim.host() + " pid " + ProcessHandle.current().pid());
    log.flush();
    try {
      CellResult result = dir.plan().executors().get(cell.kind()).run(cell, context(cell));
      double wall = (System.nanoTime() - t0) / 1e9;
      if (!claim.isMine()) {
        throw new IllegalStateException(cell.label() + ": claim lost before the result was written");
      }
      Json.write(dir.result(id), resultJson(cell, result, start, wall, resumed));
      Files.deleteIfExists(dir.failed(id));
      Files.deleteIfExists(dir.progressFile(id));
      log.printf(java.util.Locale.ROOT, "run-cell: done %s %s in %.2f s%n", id, cell.label(), wall);
      return Outcome.DONE;
    } catch (Exception | Error e) {
      ObjectNode f = Json.object();
      f.put("cell", id);
      f.put("label", cell.label());
      f.put("error", String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage()));
      f.put("host", Claim.host());
      f.put("pid", ProcessHandle.current().pid());
      f.put("time", Instant.now().toString());
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      f.put("trace", trace.toString());
      Json.write(dir.failed(id), f);
      throw e;
    } finally {
      beats.shutdownNow();
      claim.release();
      try {
        Runtime.getRuntime().removeShutdownHook(releaseOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      log.flush();
    }
  }

  private CellContext context(Cell cell) {
    return new CellContext() {
      private long lastWrite;

      @Override
      public Path dir() {
        return dir.cellDir(cell.id());
      }

      @Override
      public Path dirOf(String cellId) {
        requireDependency(cellId);
        return dir.cellDir(cellId);
      }

      @Override
      public JsonNode resultOf(String cellId) {
        requireDependency(cellId);
        try {
          return dir.readResult(cellId);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public void progress(long tokensDone) {
        long now = System.nanoTime();
        // At most twice a second: the bar needs no more, and each write is a file.
        if (now - lastWrite < 500_000_000L && tokensDone < cell.tokens()) return;
        lastWrite = now;
        try {
          AtomicWrite.writeString(dir.progressFile(cell.id()), Long.toString(tokensDone));
        } catch (IOException e) {
          // progress is for display only
        }
      }

      private void requireDependency(String cellId) {
        if (!cell.dependsOn().contains(cellId)) {
          throw new IllegalArgumentException(cell.label() + " asked for " + cellId
              + ", which is not one of its dependencies");
        }
      }
    };
  }

  private static ObjectNode resultJson(Cell cell, CellResult result, Instant start, double wall,
      boolean resumed) {
    ObjectNode o = Json.object();
    o.put("id", cell.id());
    o.put("kind", cell.kind());
    o.put("label", cell.label());
    o.set("coords", cell.coords());
    ArrayNode rows = o.putArray("measurements");
    result.measurements().forEach(rows::add);
    o.set("outputs", result.outputs() == null ? Json.object() : result.outputs());
    ObjectNode record = o.putObject("record");
    record.set("seeds", seeds(cell.spec(), "", Json.object()));
    record.put("code_version", CodeVersion.get());
    record.put("java", CodeVersion.runtime());
    record.put("started", start.toString());
    record.put("wall_seconds", wall);
    record.put("tokens_per_second", wall > 0 ? cell.tokens() / wall : 0);
    record.put("resumed", resumed);
    record.put("host", Claim.host());
    record.put("threads", Integer.getInteger("overtrain.threads", Runtime.getRuntime().availableProcessors()));
    ArrayNode deps = record.putArray("depends_on");
    cell.dependsOn().forEach(deps::add);
    return o;
  }

  /** Every field of the spec whose name says it is a seed, by its path in the spec. */
  private static ObjectNode seeds(JsonNode node, String path, ObjectNode out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().toLowerCase(java.util.Locale.ROOT).contains("seed")) out.set(p, e.getValue());
        else seeds(e.getValue(), p, out);
      }
    }
    return out;
  }
}
