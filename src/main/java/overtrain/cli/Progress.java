package overtrain.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: label, bar, count, rate and time left, redrawn at most
 * five times a second so that drawing never costs more than the work it reports. When stderr
 * is not a terminal (a log file, a Slurm job) it prints a plain line every 30 seconds instead,
 * so that logs stay readable.
 */
public final class Progress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final long LOG_LINE_NANOS = 30_000_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;

  public Progress(String label, long total) {
    this(System.err, System.console() != null, label, total);
  }

  Progress(PrintStream out, boolean terminal, String label, long total) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
    this.total = Math.max(total, 1);
    draw();
  }

  public void advance(long units) {
    advanceTo(done + units);
  }

  /** Moves the bar to {@code count} units done (for callers that report a running count). */
  public void advanceTo(long count) {
    done = Math.min(total, count);
    long now = System.nanoTime();
    if (terminal ? now - lastDraw >= REDRAW_NANOS || done == total : now - lastDraw >= LOG_LINE_NANOS) {
      draw();
    }
  }

  /** Ends the bar's line, with {@code summary} after it. */
  public void finish(String summary) {
    draw();
    if (terminal) out.println(summary.isEmpty() ? "" : "  " + summary);
    else if (!summary.isEmpty()) out.println(summary);
    out.flush();
  }

  private void draw() {
    lastDraw = System.nanoTime();
    double seconds = (lastDraw - start) / 1e9;
    int filled = (int) (WIDTH * done / total);
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 ? clock((total - done) / rate) : "--:--";
    String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %.1f/s %s left", label,
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate, eta);
    if (terminal) out.print("\r" + line + "   ");
    else out.println(line);
    out.flush();
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
