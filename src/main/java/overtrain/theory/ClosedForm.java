package overtrain.theory;

/**
 * Saxe, McClelland and Ganguli (2014): under gradient flow on 0.5 ||W2 W1 - A||^2 from a
 * balanced initialisation aligned with A's singular vectors, each mode's strength u (the
 * product of its two layer weights) obeys du/dt = 2 u (s - u), a logistic equation, so
 *
 * <pre>  u(t) = s e^{2 s t} / (e^{2 s t} - 1 + s / u0)</pre>
 *
 * where s is the mode's target singular value and u0 its initial strength. Time t is in
 * units of learning rate x steps.
 */
public final class ClosedForm {

  private ClosedForm() {}

  /** The strength of a mode with target s, started at u0, after time t. */
  public static double strength(double s, double u0, double t) {
    if (s <= 0) return u0 / (1 + 2 * u0 * t); // du/dt = -2u^2: an unsupported mode decays
    // Written as s / (1 + (s/u0 - 1) e^{-2st}) so that large t does not overflow.
    return s / (1 + (s / u0 - 1) * Math.exp(-2 * s * t));
  }

  /** The time at which a mode reaches strength fraction * s (0 < fraction < 1, u0 below it). */
  public static double timeToReach(double s, double u0, double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must lie in (0, 1), got " + fraction);
    }
    if (!(s > 0) || !(u0 > 0) || u0 >= fraction * s) {
      throw new IllegalArgumentException(
          "need 0 < u0 < fraction * s, got u0 " + u0 + ", s " + s + ", fraction " + fraction);
    }
    // Solve fraction = 1 / (1 + (s/u0 - 1) e^{-2st}) for t.
    return Math.log((s / u0 - 1) * fraction / (1 - fraction)) / (2 * s);
  }
}
