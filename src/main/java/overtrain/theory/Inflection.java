package overtrain.theory;

/**
 * The pre-training time T at which the loss after fine-tuning is lowest, when that minimum is
 * an inflection point: the loss rises after it. A minimum at either end of the grid, or one the
 * last T's loss exceeds by no more than the tolerance (a plateau, where numerical noise picks
 * the argmin), is no inflection point: the grid shows none.
 *
 * @param index position of the minimum in the grid
 * @param time the T there
 * @param loss the minimum loss
 * @param interior whether it is an inflection point (see above)
 */
public record Inflection(int index, double time, double loss, boolean interior) {

  /** Finds the minimum of losses over times; the rise must exceed tolerance x |minimum|. */
  public static Inflection of(double[] times, double[] losses, double tolerance) {
    if (times.length != losses.length || times.length == 0) {
      throw new IllegalArgumentException("need equally many times and losses, at least one");
    }
    int best = 0;
    for (int i = 1; i < losses.length; i++) {
      if (losses[i] < losses[best]) best = i;
    }
    double last = losses[losses.length - 1];
    boolean rises = last - losses[best] > tolerance * Math.abs(losses[best]);
    boolean interior = best > 0 && best < losses.length - 1 && rises;
    return new Inflection(best, times[best], losses[best], interior);
  }

  /** A line for people: the T, or why there is none. */
  public String describe() {
    if (interior) return String.format("T = %.4g (loss %.4g)", time, loss);
    return index == 0
        ? "none: the minimum is at the grid's first T"
        : "none: the minimum is at the grid's end (no rise within the tolerance)";
  }
}
