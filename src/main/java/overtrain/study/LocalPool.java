package overtrain.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import overtrain.io.Json;

/**
 * Runs a study's cells on this machine, each in a worker process of its own ({@code study
 * run-cell}), as many at a time as the cores allow: a cell starts when its dependencies are
 * done, the threads of the running cells fit in the cores and no other worker (another {@code
 * study run}, a Slurm task) holds it. A worker that dies without a result or a failure record
 * (killed) is started again, and its cell resumes from its folder; a cell that fails stops only
 * the cells that depend on it.
 */
public final class LocalPool {
  /** Attempts at a cell whose worker dies without saying why, before it counts as failed. */
  static final int MAX_ATTEMPTS = 3;
  private static final long TICK_MILLIS = 100;

  /** What the pool tells whoever shows its progress. */
  public interface Listener {
    void progress(Snapshot s);

    void failed(Cell cell, String reason, Path log);
  }

  /** The study at one moment. */
  public record Snapshot(int cellsDone, int cellsTotal, long tokensDone, long tokensTotal,
      int running, int elsewhere) {}

  /** How the run ended. */
  public record Summary(int done, int total, List<Cell> failed, List<Cell> blocked) {
    public boolean complete() {
      return done == total;
    }
  }

  private record Worker(Cell cell, Process process, Instant started) {}

  private final StudyDir dir;
  private final Function<Cell, List<String>> command;
  private final int maxWorkers;
  private final int cores;
  private final Listener listener;
  private final Map<String, Worker> running = new LinkedHashMap<>();
  private volatile boolean stopping;

  /**
   * @param command the worker's command line for a cell ({@code ... study run-cell FILE ID})
   * @param maxWorkers workers at most at a time
   * @param cores threads the running cells may want in all (one cell may exceed it alone)
   */
  public LocalPool(StudyDir dir, Function<Cell, List<String>> command, int maxWorkers, int cores,
      Listener listener) {
    if (maxWorkers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + maxWorkers);
    this.dir = dir;
    this.command = command;
    this.maxWorkers = maxWorkers;
    this.cores = cores;
    this.listener = listener;
  }

  /** Runs until every cell is done, failed or behind a failed one. */
  public Summary run() throws IOException, InterruptedException {
    StudyPlan plan = dir.plan();
    Duration timeout = plan.claimTimeout();
    Set<String> done = new HashSet<>();
    Set<String> failed = new HashSet<>();
    Map<String, Integer> attempts = new HashMap<>();
    long tokensTotal = 0;
    for (Cell c : plan.cells()) tokensTotal += c.tokens();
    List<Cell> order = new ArrayList<>();
    plan.stages().forEach(order::addAll);

    while (!stopping) {
      reap(done, failed, attempts);
      int threads = 0;
      synchronized (running) {
        for (Worker w : running.values()) threads += w.cell().threads();
      }
      Set<String> blocked = new HashSet<>();
      int elsewhere = 0;
      long tokensDone = 0;
      for (Cell c : order) {
        String id = c.id();
        if (done.contains(id) || dir.isDone(id)) {
          done.add(id);
          tokensDone += c.tokens();
          continue;
        }
        if (failed.contains(id)) continue;
        if (c.dependsOn().stream().anyMatch(d -> failed.contains(d) || blocked.contains(d))) {
          blocked.add(id);
          continue;
        }
        boolean mine;
        synchronized (running) {
          mine = running.containsKey(id);
        }
        if (mine) {
          tokensDone += Math.min(c.tokens(), dir.progress(id));
          continue;
        }
        if (!c.dependsOn().stream().allMatch(done::contains)) continue;
        Optional<Claim.Owner> owner = dir.owner(id);
        if (owner.isPresent() && !Claim.isStale(owner.get(), timeout)) {
          elsewhere++;
          tokensDone += Math.min(c.tokens(), dir.progress(id));
          continue;
        }
        int count;
        synchronized (running) {
          count = running.size();
        }
        if (count < maxWorkers && (threads + c.threads() <= cores || count == 0)) {
          start(c);
          threads += c.threads();
        }
      }
      int count;
      synchronized (running) {
        count = running.size();
      }
      listener.progress(new Snapshot(done.size(), plan.cells().size(), tokensDone, tokensTotal,
          count, elsewhere));
      if (count == 0 && elsewhere == 0) {
        // Nothing running anywhere and nothing started: what is left is failed or blocked.
        boolean startable = false;
        for (Cell c : order) {
          if (!done.contains(c.id()) && !failed.contains(c.id()) && !blocked.contains(c.id())) {
            startable = true;
          }
        }
        if (!startable) {
          List<Cell> f = new ArrayList<>();
          List<Cell> b = new ArrayList<>();
          for (Cell c : order) {
            if (failed.contains(c.id())) f.add(c);
            if (blocked.contains(c.id())) b.add(c);
          }
          return new Summary(done.size(), plan.cells().size(), f, b);
        }
      }
      Thread.sleep(TICK_MILLIS);
    }
    throw new InterruptedException("stopped");
  }

  private void start(Cell c) throws IOException {
    Path log = dir.log(c.id());
    Files.createDirectories(log.getParent());
    // Under the lock that stop() takes: a worker is either started before stop() looks, and
    // stopped by it, or not started at all.
    synchronized (running) {
      if (stopping) return;
      // The worker's own output: appended, so every attempt's lines stay in the record.
      Process p = new ProcessBuilder(command.apply(c))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .start();
      // Workers read nothing; a closed stdin keeps them from waiting on the terminal.
      p.getOutputStream().close();
      running.put(c.id(), new Worker(c, p, Instant.now()));
    }
  }

  private void reap(Set<String> done, Set<String> failed, Map<String, Integer> attempts)
      throws IOException {
    List<Worker> ended = new ArrayList<>();
    synchronized (running) {
      for (Worker w : running.values()) if (!w.process().isAlive()) ended.add(w);
      for (Worker w : ended) running.remove(w.cell().id());
    }
    for (Worker w : ended) {
      Cell c = w.cell();
      int code = w.process().exitValue();
      if (dir.isDone(c.id())) {
        done.add(c.id());
        continue;
      }
      Path failure = dir.failed(c.id());
      if (Files.exists(failure)
          && Files.getLastModifiedTime(failure).compareTo(FileTime.from(w.started())) >= 0) {
        failed.add(c.id());
        String reason = "failed";
        try {
          reason = Json.read(failure).path("error").asText(reason);
        } catch (IOException ignored) {
          // the log has it
        }
        listener.failed(c, reason, dir.log(c.id()));
        continue;
      }
      int n = attempts.merge(c.id(), 1, Integer::sum);
      if (n >= MAX_ATTEMPTS) {
        failed.add(c.id());
        listener.failed(c, "its worker ended " + n + " times without a result (last exit code "
            + code + ")", dir.log(c.id()));
      }
      // Otherwise the next tick starts it again; it resumes from its folder.
    }
  }

  /**
   * Stops the workers (for Ctrl-C): asks each to end, which releases its claim, then kills
   * those that have not within a few seconds and removes the claims they still hold.
   */
  public void stop() {
    List<Worker> workers;
    synchronized (running) {
      stopping = true;
      workers = new ArrayList<>(running.values());
    }
    for (Worker w : workers) w.process().destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Worker w : workers) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !w.process().waitFor(left, TimeUnit.NANOSECONDS)) w.process().destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        Optional<Claim.Owner> owner = dir.owner(w.cell().id());
        if (owner.isPresent() && owner.get().pid() == w.process().pid()
            && owner.get().host().equals(Claim.host())) {
          Files.deleteIfExists(dir.claim(w.cell().id()));
        }
      } catch (IOException | InterruptedException e) {
        // the claim goes stale and the next run takes it over
      }
    }
  }
}
