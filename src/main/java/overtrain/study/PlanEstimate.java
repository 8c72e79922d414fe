package overtrain.study;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * How long a study takes on a local pool: each cell's seconds from its kind's {@link
 * Estimator}, plus the start of its worker, scheduled the way {@link LocalPool} schedules them
 * (in stage order, when the dependencies are done and the threads fit in the cores).
 *
 * @param cellSeconds the cells' seconds added up (one core's work, starts included)
 * @param wallSeconds the simulated pool's wall time
 * @param unknownKinds kinds without an estimator (their cells count as taking no time)
 * @param byKind the cells' seconds added up per kind, in the plan's order of kinds
 */
public record PlanEstimate(double cellSeconds, double wallSeconds, Set<String> unknownKinds,
    Map<String, Double> byKind) {

  /** A worker JVM's start, before it loads the study and its cell's work begins. */
  public static final double WORKER_START_SECONDS = 0.5;

  public static PlanEstimate of(StudyPlan plan, int maxWorkers, int cores, Set<String> done) {
    return of(plan, maxWorkers, cores, done, WORKER_START_SECONDS);
  }

  /**
   * The same with {@code workerStart} seconds for each worker to start and load the study
   * before its cell's work begins (what {@code study plan} took to load it is a measure).
   */
  public static PlanEstimate of(StudyPlan plan, int maxWorkers, int cores, Set<String> done, double workerStart) {
    Map<String, Double> seconds = new HashMap<>();
    Set<String> unknown = new TreeSet<>();
    Map<String, Double> byKind = new LinkedHashMap<>();
    double total = 0;
    List<Cell> order = new ArrayList<>();
    plan.stages().forEach(order::addAll);
    for (Cell c : order) {
      if (done.contains(c.id())) continue;
      Estimator e = plan.estimators().get(c.kind());
      double s = workerStart;
      double cellSeconds = e == null ? Double.NaN : e.seconds(c);
      if (Double.isFinite(cellSeconds)) s += cellSeconds;
      else unknown.add(c.kind());
      seconds.put(c.id(), s);
      byKind.merge(c.kind(), s, Double::sum);
      total += s;
    }
    record Running(String id, double end, int threads) {}
    PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Double.compare(a.end, b.end));
    Map<String, Double> finished = new HashMap<>();
    for (String d : done) finished.put(d, 0.0);
    List<Cell> pending = new ArrayList<>(order);
    pending.removeIf(c -> done.contains(c.id()));
    double now = 0;
    int threads = 0;
    while (!pending.isEmpty() || !running.isEmpty()) {
      for (var it = pending.iterator(); it.hasNext(); ) {
        Cell c = it.next();
        if (!c.dependsOn().stream().allMatch(finished::containsKey)) continue;
        if (running.size() >= maxWorkers || (threads + c.threads() > cores && !running.isEmpty())) continue;
        running.add(new Running(c.id(), now + seconds.get(c.id()), c.threads()));
        threads += c.threads();
        it.remove();
      }
      Running r = running.poll();
      if (r == null) break; // only cells behind missing ones remain: cannot happen in a valid plan
      now = r.end;
      threads -= r.threads;
      finished.put(r.id, now);
    }
    return new PlanEstimate(total, now, unknown, byKind);
  }

  /** 95 s as "1 min 35 s", 2 days as "2.0 days". */
  public static String duration(double seconds) {
    if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
    if (seconds < 3600) return String.format(Locale.ROOT, "%d min %d s", (long) seconds / 60, (long) seconds % 60);
    if (seconds < 86400) return String.format(Locale.ROOT, "%d h %d min", (long) seconds / 3600, (long) seconds % 3600 / 60);
    if (seconds < 86400 * 365) return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    return String.format(Locale.ROOT, "%.1f years", seconds / (86400 * 365.25));
  }
}
