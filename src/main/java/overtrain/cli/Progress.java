package overtrain.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place at most ten times a second. */
public final class Progress {

  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final String label;
  private final PrintStream out;
  private long lastDraw = Long.MIN_VALUE;

  public Progress(String label) {
    this(label, System.err);
  }

  public Progress(String label, PrintStream out) {
    this.label = label;
    this.out = out;
  }

  /** Redraws for done of total units; always draws the last. */
  public void update(long done, long total) {
    long now = System.nanoTime();
    if (done < total && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) return;
    lastDraw = now;
    int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
    out.printf("\r%s [%s%s] %3d%% (%d/%d)", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
        total == 0 ? 100 : 100 * done / total, done, total);
    if (done >= total) out.println();
    out.flush();
  }
}
