package overtrain.theory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * Pre-trains the linear network on A once, keeping its weights at every T of the grid, then
 * fine-tunes a copy of each on B for every (lr, lambda, angle) setting and measures both
 * losses. Deterministic: one thread, one seeded generator drawn in a fixed order.
 */
public final class TheoryExperiment {

  /** Told after each unit of work (one pre-training snapshot, or one fine-tuning run). */
  @FunctionalInterface
  public interface Listener {
    void advanced(int done, int total);
  }

  private TheoryExperiment() {}

  public static TheoryResult run(TheoryConfig config, Listener listener) {
    double[] strengths = config.spectrum().values(config.rank());
    Random rng = new Random(config.seed());
    Targets targets = Targets.random(config.dimension(), strengths, rng);
    LinearNetwork net = switch (config.init().kind()) {
      case DECOUPLED -> LinearNetwork.decoupled(targets, config.hidden(), config.init().scale(), rng);
      case GAUSSIAN -> LinearNetwork.gaussian(config.dimension(), config.hidden(), config.init().scale(), rng);
    };
    double u0 = config.init().scale() * config.init().scale();
    DMatrixRMaj a = targets.pretraining();

    TheoryConfig.Pretrain pre = config.pretrain();
    long[] gridSteps = gridSteps(pre);
    long maxSteps = Math.max(gridSteps[gridSteps.length - 1], Math.round(pre.maxTime() / pre.lr()));
    long[] trajectorySteps = new long[pre.trajectoryPoints()];
    for (int i = 0; i < trajectorySteps.length; i++) {
      trajectorySteps[i] = Math.round((double) maxSteps * i / (trajectorySteps.length - 1));
    }

    TheoryConfig.Finetune ft = config.finetune();
    int settingsCount = ft.lrs().size() * ft.lambdas().size() * ft.anglesDegrees().size();
    int total = gridSteps.length * (1 + settingsCount);
    int done = 0;

    int r = config.rank();
    double[] times = new double[gridSteps.length];
    double[] lossBefore = new double[gridSteps.length];
    double[][] learned = new double[gridSteps.length][];
    LinearNetwork[] snapshots = new LinearNetwork[gridSteps.length];
    double[] trajTimes = new double[trajectorySteps.length];
    double[][] trajSv = new double[trajectorySteps.length][];
    double[][] trajModes = new double[trajectorySteps.length][];
    double[][] trajClosed = new double[trajectorySteps.length][r];

    int nextGrid = 0;
    int nextTraj = 0;
    for (long step = 0; step <= maxSteps; step++) {
      if (nextTraj < trajectorySteps.length && trajectorySteps[nextTraj] == step) {
        DMatrixRMaj product = net.product();
        double t = step * pre.lr();
        trajTimes[nextTraj] = t;
        trajSv[nextTraj] = topSingularValues(product, r);
        trajModes[nextTraj] = targets.modeStrengths(product);
        for (int i = 0; i < r; i++) trajClosed[nextTraj][i] = ClosedForm.strength(strengths[i], u0, t);
        nextTraj++;
      }
      while (nextGrid < gridSteps.length && gridSteps[nextGrid] == step) {
        times[nextGrid] = step * pre.lr();
        lossBefore[nextGrid] = net.loss(a);
        learned[nextGrid] = topSingularValues(net.product(), r);
        snapshots[nextGrid] = net.copy();
        nextGrid++;
        listener.advanced(++done, total);
      }
      if (step < maxSteps) net.step(a, pre.lr(), null, 0);
    }

    List<TheoryResult.Setting> settings = new ArrayList<>();
    for (double lr : ft.lrs()) {
      for (double lambda : ft.lambdas()) {
        for (double angle : ft.anglesDegrees()) {
          DMatrixRMaj b = targets.rotated(Math.toRadians(angle));
          double[] after = new double[times.length];
          double[] ftLoss = new double[times.length];
          for (int k = 0; k < times.length; k++) {
            LinearNetwork tuned = snapshots[k].copy();
            for (int s = 0; s < ft.steps(); s++) tuned.step(b, lr, snapshots[k], lambda);
            after[k] = tuned.loss(a);
            ftLoss[k] = tuned.loss(b);
            listener.advanced(++done, total);
          }
          settings.add(new TheoryResult.Setting(lr, lambda, angle, after, ftLoss,
              Inflection.of(times, after, config.riseTolerance())));
        }
      }
    }
    return new TheoryResult(config, strengths, u0, times, lossBefore, learned,
        new TheoryResult.Trajectory(trajTimes, trajSv, trajModes, trajClosed), List.copyOf(settings));
  }

  /** Geometric times from min_time to max_time, rounded to whole steps (at least one), distinct. */
  static long[] gridSteps(TheoryConfig.Pretrain pre) {
    TreeSet<Long> steps = new TreeSet<>();
    double logMin = Math.log(pre.minTime());
    double logMax = Math.log(pre.maxTime());
    for (int i = 0; i < pre.points(); i++) {
      double t = Math.exp(logMin + (logMax - logMin) * i / (pre.points() - 1));
      steps.add(Math.max(1, Math.round(t / pre.lr())));
    }
    return steps.stream().mapToLong(Long::longValue).toArray();
  }

  /** The r largest singular values of a matrix, largest first (EJML's SVD). */
  static double[] topSingularValues(DMatrixRMaj m, int r) {
    double[] all = SingularOps_DDRM.singularValues(m);
    Arrays.sort(all);
    double[] top = new double[r];
    for (int i = 0; i < r; i++) top[i] = all[all.length - 1 - i];
    return top;
  }
}
