package overtrain.study;

/** Runs one kind of cell. */
@FunctionalInterface
public interface CellExecutor {
  /**
   * Does the work; may be killed at any moment and run again, so it keeps what it needs to
   * resume in {@code ctx.dir()}. Returns the measurements.
   */
  CellResult run(Cell cell, CellContext ctx) throws Exception;
}
