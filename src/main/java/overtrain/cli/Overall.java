package overtrain.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import overtrain.study.LocalPool;

/**
 * The one progress line of a pipeline of phases (fetch, tokenize, the study's cells, the
 * report): each phase weighs its estimated seconds, so the bar moves as the time does. A
 * phase that reports nothing (a child process) advances with its clock, up to most of its
 * weight; the study's phase with the share of its work done. Time left is the estimate of
 * what remains, scaled by how fast the estimate has been met so far. Redrawn five times a
 * second on a terminal, a plain line every 30 seconds (and at each phase) otherwise.
 */
final class Overall {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final List<String> phases = new ArrayList<>();
  private final List<Double> weights = new ArrayList<>();
  private final long start = System.nanoTime();
  private int current = -1;
  private long phaseStart;
  private double phaseFraction;
  private String detail = "";
  private long lastDraw;

  Overall(PrintStream out, boolean terminal, String label) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
  }

  /** Adds a phase that is expected to take {@code seconds}. */
  void add(String phase, double seconds) {
    phases.add(phase);
    weights.add(Math.max(seconds, 1e-3));
  }

  synchronized void begin(String phase) {
    current = phases.indexOf(phase);
    if (current < 0) throw new IllegalArgumentException("no phase '" + phase + "'");
    phaseStart = System.nanoTime();
    phaseFraction = 0;
    detail = "";
    draw(true);
  }

  /** Advances a phase that reports nothing by its clock, to at most 95% of it. */
  synchronized void tick() {
    phaseFraction = Math.min(0.95, (System.nanoTime() - phaseStart) / 1e9 / weights.get(current));
    draw(false);
  }

  /** The study's phase: its snapshot, and the share of its work done ({@code fraction}, 0 to 1). */
  synchronized void study(LocalPool.Snapshot s, double fraction) {
    boolean changed = !detail.startsWith(s.cellsDone() + "/");
    phaseFraction = Math.max(0, Math.min(1, fraction));
    detail = String.format(Locale.ROOT, "%d/%d cells, %d running%s", s.cellsDone(), s.cellsTotal(), s.running(),
        s.elsewhere() > 0 ? " (+" + s.elsewhere() + " elsewhere)" : "");
    draw(changed && terminal);
  }

  synchronized void message(String line) {
    out.print(terminal ? "\r" + line + " ".repeat(20) + "\n" : line + "\n");
    out.flush();
  }

  synchronized void end() {
    current = phases.size() - 1;
    phaseFraction = 1;
    detail = "";
    draw(true);
    if (terminal) out.println();
    out.flush();
  }

  /** The fraction of the whole done, by weight. */
  synchronized double fraction() {
    double total = 0, done = 0;
    for (int i = 0; i < weights.size(); i++) {
      total += weights.get(i);
      if (i < current) done += weights.get(i);
      else if (i == current) done += phaseFraction * weights.get(i);
    }
    return total > 0 ? Math.min(1, done / total) : 0;
  }

  private void draw(boolean force) {
    long now = System.nanoTime();
    long every = terminal ? 200_000_000L : 30_000_000_000L;
    if (!force && now - lastDraw < every) return;
    lastDraw = now;
    double f = fraction();
    double elapsed = (now - start) / 1e9;
    String left = f >= 1 ? "done" : f > 0.01 ? Progress.clock(elapsed * (1 - f) / f) + " left" : "--:-- left";
    int filled = (int) (WIDTH * f);
    String phase = current < 0 ? "" : phases.get(current) + (detail.isEmpty() ? "" : ": " + detail);
    String line = String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %s, %s", label, "#".repeat(filled),
        ".".repeat(WIDTH - filled), 100 * f, phase, left);
    out.print(terminal ? "\r" + line + "   " : line + "\n");
    out.flush();
  }
}
