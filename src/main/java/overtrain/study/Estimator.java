package overtrain.study;

/** How long a cell takes on one worker, in seconds, for {@code study plan}'s estimate. */
@FunctionalInterface
public interface Estimator {
  double seconds(Cell cell);
}
