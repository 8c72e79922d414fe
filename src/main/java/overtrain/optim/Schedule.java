package overtrain.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learning-rate schedule over a run of {@code totalSteps} optimiser steps. {@link #lr(long)}
 * gives the rate for the step with 0-based index {@code step}; warmup ramps linearly so that
 * the first step already moves ({@code peak / warmup}).
 */
public sealed interface Schedule {

  double lr(long step);

  /** Linear warmup, then a half cosine from the peak to zero at {@code totalSteps}. */
  record Cosine(double peak, long warmup, long totalSteps) implements Schedule {
    public Cosine {
      check(peak, warmup, totalSteps);
    }

    @Override
    public double lr(long step) {
      if (step < warmup) return peak * (step + 1) / warmup;
      double progress = (double) (step - warmup) / (totalSteps - warmup);
      return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
    }
  }

  /** Linear warmup, then the peak rate to the end. */
  record Constant(double peak, long warmup, long totalSteps) implements Schedule {
    public Constant {
      check(peak, warmup, totalSteps);
    }

    @Override
    public double lr(long step) {
      return step < warmup ? peak * (step + 1) / warmup : peak;
    }
  }

  /**
   * Warmup-stable-decay: linear warmup, the peak rate, then a linear decay to zero over the
   * last {@code decayFraction} of the run.
   */
  record WarmupStableDecay(double peak, long warmup, long totalSteps, double decayFraction)
      implements Schedule {
    public WarmupStableDecay {
      check(peak, warmup, totalSteps);
      if (!(decayFraction > 0 && decayFraction <= 1)) {
        throw new IllegalArgumentException("decay fraction must be in (0, 1], got " + decayFraction);
      }
    }

    @Override
    public double lr(long step) {
      if (step < warmup) return peak * (step + 1) / warmup;
      long decaySteps = Math.max(1, Math.round(totalSteps * decayFraction));
      long decayStart = Math.max(warmup, totalSteps - decaySteps);
      if (step < decayStart) return peak;
      return peak * Math.max(0.0, (double) (totalSteps - step) / (totalSteps - decayStart));
    }
  }

  /** Makes a schedule of one kind from the section's settings. */
  @FunctionalInterface
  interface Factory {
    Schedule create(double peak, long warmup, long totalSteps, ScheduleConfig config);
  }

  /**
   * Every schedule by the name configs use; a new schedule is one record and one entry here.
   * {@code linear} is warmup-stable-decay decaying over the whole run.
   */
  Map<String, Factory> NAMES = names();

  private static Map<String, Factory> names() {
    Map<String, Factory> m = new LinkedHashMap<>();
    m.put("cosine", (peak, warmup, total, c) -> new Cosine(peak, warmup, total));
    m.put("constant", (peak, warmup, total, c) -> new Constant(peak, warmup, total));
    m.put("wsd", (peak, warmup, total, c) -> new WarmupStableDecay(peak, warmup, total, c.decayFraction()));
    m.put("linear", (peak, warmup, total, c) -> new WarmupStableDecay(peak, warmup, total, 1.0));
    return Collections.unmodifiableMap(m);
  }

  private static void check(double peak, long warmup, long totalSteps) {
    if (!(peak >= 0)) throw new IllegalArgumentException("peak learning rate must be >= 0, got " + peak);
    if (totalSteps <= 0) throw new IllegalArgumentException("total steps must be positive, got " + totalSteps);
    if (warmup < 0 || warmup >= totalSteps) {
      throw new IllegalArgumentException(
          "warmup must be in [0, total steps " + totalSteps + "), got " + warmup);
    }
  }
}
