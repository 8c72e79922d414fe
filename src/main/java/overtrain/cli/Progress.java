package overtrain.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr: done/total, elapsed, estimated time left and a status
 * text, redrawn in place at most five times a second.
 */
public final class Progress {
  private static final int WIDTH = 30;
  private final String label;
  private final long total;
  private final PrintStream err = System.err;
  private final long started = System.nanoTime();
  private long lastDraw;
  private long done;

  public Progress(String label, long total) {
    this.label = label;
    this.total = Math.max(1, total);
  }

  /** Reports {@code done} of the total with a short {@code status} (may be empty). */
  public void update(long done, String status) {
    this.done = done;
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) return;
    lastDraw = now;
    double seconds = (now - started) / 1e9;
    int filled = (int) (WIDTH * Math.min(done, total) / total);
    String eta = done > 0 ? clock(seconds * (total - done) / done) : "?";
    err.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total
        + " " + clock(seconds) + " left " + eta + (status.isEmpty() ? "" : " " + status) + "\u001b[K");
    err.flush();
  }

  /** Reports {@code units} more done (for work counted in increments). */
  public void advance(long units) {
    update(done + units, "");
  }

  /** Ends the line. */
  public void finish() {
    err.println();
  }

  /** Ends the line with {@code summary} after the bar. */
  public void finish(String summary) {
    update(done, "");
    err.println(" " + summary);
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
