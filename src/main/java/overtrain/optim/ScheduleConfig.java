package overtrain.optim;

/**
 * The learning-rate schedule section ({@code schedule:}), the same for pre-training and
 * fine-tuning. Warmup is counted in steps or as a fraction of the run, each under its own
 * name, never both.
 *
 * @param name a name registered in {@link Schedule#NAMES}
 * @param warmupSteps optimiser steps of linear warmup
 * @param warmupFraction fraction of the run's steps spent in linear warmup
 * @param decayFraction the share of the steps {@code wsd} decays over
 */
public record ScheduleConfig(String name, long warmupSteps, double warmupFraction, double decayFraction) {
  public ScheduleConfig {
    if (name == null || !Schedule.NAMES.containsKey(name)) {
      throw new IllegalArgumentException("name must be one of " + Schedule.NAMES.keySet() + ", got " + name);
    }
    if (warmupSteps < 0) throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException("warmup_fraction must be in [0, 1), got " + warmupFraction);
    }
    if (warmupSteps > 0 && warmupFraction > 0) {
      throw new IllegalArgumentException("give warmup_steps or warmup_fraction, not both");
    }
    if (!(decayFraction > 0 && decayFraction <= 1)) {
      throw new IllegalArgumentException("decay_fraction must be in (0, 1], got " + decayFraction);
    }
  }

  /** Warmup steps in a run of {@code totalSteps}: the fraction rounded, never the whole run. */
  public long warmup(long totalSteps) {
    return warmupFraction > 0 ? Math.min(totalSteps - 1, Math.round(warmupFraction * totalSteps)) : warmupSteps;
  }

  /** The schedule for a run of {@code totalSteps} steps peaking at {@code peak}. */
  public Schedule build(double peak, long totalSteps) {
    return Schedule.NAMES.get(name).create(peak, warmup(totalSteps), totalSteps, this);
  }
}
