package overtrain.finetune;

/**
 * What a sweep tells its caller while it works, so that the command line can draw progress
 * without this layer knowing about terminals.
 */
public interface Monitor {
  /** A new phase of {@code total} units of work begins (examples scored, steps trained, tokens). */
  void begin(String phase, long total);

  /** {@code units} more of the current phase are done. */
  void advance(long units);

  /** The current phase is over; {@code summary} says how it ended. */
  void end(String summary);

  /** A monitor that shows nothing (tests, library use). */
  Monitor SILENT = new Monitor() {
    @Override
    public void begin(String phase, long total) {}

    @Override
    public void advance(long units) {}

    @Override
    public void end(String summary) {}
  };
}
