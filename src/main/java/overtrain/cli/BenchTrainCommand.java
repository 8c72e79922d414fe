package overtrain.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.io.Json;
import overtrain.kernels.Parallel;
import overtrain.kernels.ProductTimes;
import overtrain.model.ModelConfig;
import overtrain.model.OlmoModel;
import overtrain.model.Parameterization;
import overtrain.model.Parameters;
import overtrain.optim.AdamW;
import overtrain.optim.Schedule;
import overtrain.study.CodeVersion;
import overtrain.train.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overtrain bench train}: training steps per second on random tokens. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Time full training steps (forward, backward, clipping, AdamW) on random",
      "tokens and print tokens/s and achieved GFLOP/s, counting 6 x non-embedding",
      "params + 6 x vocab x d (head) + 12 x layers x d x context (attention) FLOPs",
      "per token. Warm-up steps are not timed; they go on past --warmup-steps while",
      "the JIT is still at work: until a step allocates under 1 MiB and 3 steps in a",
      "row have had the compiler threads busy for under 5% of their time. After each",
      "training step one forward-only scoring pass (OlmoModel.loss) on the same",
      "shape is timed, so that both see the same load on a shared machine; the",
      "scoring speed-up is the median of the per-step time ratios.",
      "Memory: the peak resident memory next to what weights, gradients, Adam",
      "moments, one step's activations and the threads' workspace need (the",
      "model's own formula, which training runs are checked against before they",
      "start), and what was resident before the",
      "model was built (the JVM and its classes); the Java heap's peak (the",
      "program's own arrays, without the runtime, garbage not yet collected",
      "included); what the heap holds after a full collection at the end (the",
      "model, its optimizer state, activations and every buffer the engine keeps",
      "for the next step); and the bytes the timed steps allocated, over all",
      "threads: a step lays out no buffers once the JIT has compiled it, so this",
      "reads near zero.",
      "Threads: -Dovertrain.threads=N (default: every core)."
    },
    sortOptions = false)
public final class BenchTrainCommand implements Callable<Integer> {
  /** A step that allocates less than this has been compiled: steady steps allocate KiBs. */
  private static final long STEADY_BYTES = 1 << 20;
  /** Warm-up steps at most beyond --warmup-steps while the JIT is still at work. */
  private static final int EXTRA_WARMUP_STEPS = 30;
  /** Most of a step's time the JIT may spend compiling for the step to count as quiet. */
  private static final double COMPILING_SHARE = 0.05;
  /** Quiet steps in a row that end the warm-up: C2 compiles in bursts a few steps apart. */
  private static final int QUIET_STEPS = 3;

  @Option(names = "--layers", defaultValue = "4", description = "transformer blocks (default ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "attention heads (default ${DEFAULT-VALUE})")
  int heads;

  @Option(names = "--d-model", defaultValue = "256", description = "model width (default ${DEFAULT-VALUE})")
  int dModel;

  @Option(names = "--ff-size", description = "SwiGLU hidden width (default 4 x d-model, as pretrain)")
  Integer ffSize;

  @Option(names = "--vocab", defaultValue = "8192", description = "vocabulary size (default ${DEFAULT-VALUE})")
  int vocab;

  @Option(names = "--context", defaultValue = "256", description = "tokens per sequence (default ${DEFAULT-VALUE})")
  int context;

  @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--steps", defaultValue = "10", description = "timed steps (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--warmup-steps", defaultValue = "2", description = {
      "untimed steps first, for the JIT (default ${DEFAULT-VALUE}); more follow, up to 30,",
      "while the JIT is still compiling (see above); 0: none"})
  int warmupSteps;

  @Option(names = "--no-score", description = "time training steps only, no scoring passes")
  boolean noScore;

  @Option(names = "--score-only", description = {
      "time forward-only scoring passes alone, the weights held as eval holds them (float32,",
      "or bfloat16 where that would take more than three quarters of the heap): a model too",
      "large to train here"})
  boolean scoreOnly;

  @Option(names = "--products", description = {
      "also time every matrix product of the timed training steps by shape and print where",
      "a step's time goes: each kind's calls, milliseconds and GFLOP/s a step, and the rest",
      "(attention, whose products run one head per thread, norms, activations, AdamW), and",
      "how much of the step went to copying the products' operands into the kernels' layouts;",
      "the timing's own bookkeeping allocates about 100 KiB a step"})
  boolean products;

  @Option(names = "--json", description = "print one JSON object: tokens_per_s, gflops, threads, ...")
  boolean json;

  @Override
  public Integer call() {
    if (steps < 1 || warmupSteps < 0) throw new IllegalArgumentException("--steps must be >= 1 and --warmup-steps >= 0");
    if (products && scoreOnly) {
      throw new IllegalArgumentException("--products times the products of training steps; --score-only runs none");
    }
    long runtimeBytes = residentBytes("VmRSS:");
    long runtimeLiveBytes = liveHeapBytes();
    int ff = ffSize == null ? 4 * dModel : ffSize;
    // an untied head, as the study's models and bench/peer_olmo.py have it
    ModelConfig config = new ModelConfig(vocab, dModel, layers, heads, ff, context, false, ModelConfig.DEFAULT_ROPE_THETA,
        Parameterization.MUP, dModel, 0.02);
    if (scoreOnly) return scoreOnly(config);
    OlmoModel.checkFits(config, batch, context, "bench train");
    Parameters params = OlmoModel.initialize(config, 1);
    OlmoModel model = new OlmoModel(config, params);
    AdamW adam = new AdamW(params.specs(), 0.1);
    // A constant rate: the benchmark times the step, not a schedule.
    Step trainStep = new Step(model, params, adam, new Schedule.Constant(1e-3, 0, Long.MAX_VALUE), 1.0, null, 0);
    int n = batch * context;
    int[] tokens = new int[n], targets = new int[n];
    SplittableRandom rng = new SplittableRandom(1);

    Progress progress = new Progress("bench", warmupSteps + steps);
    long[] trainNanos = new long[steps], scoreNanos = new long[steps], nanos = new long[2];
    double loss = 0;
    // Two signs that the JIT is still at work, and either one keeps the warm-up going past the
    // steps asked for, up to EXTRA_WARMUP_STEPS more. The Vector API boxes every vector until C2
    // has compiled the code that makes it, so a step that allocates a MiB is not compiled yet;
    // and C2's compiler threads run on the same two cores as the step's threads, so a step
    // during which they compiled for more than COMPILING_SHARE of its time ran short of a core
    // (bench/HISTORY.md: a few warm-up steps left tokens/s well below the steady rate).
    int warmups = 0;
    long lastAllocated = Long.MAX_VALUE;
    int quietSteps = 0;
    while (warmups < warmupSteps
        || (warmupSteps > 0 && (lastAllocated >= STEADY_BYTES || quietSteps < QUIET_STEPS)
            && warmups < warmupSteps + EXTRA_WARMUP_STEPS)) {
      long before = allocatedBytes();
      long compilingBefore = compilingMillis();
      loss = step(model, trainStep, rng, tokens, targets, nanos, false);
      lastAllocated = allocatedBytes() - before;
      double compiling = (compilingMillis() - compilingBefore) / ((nanos[0] + nanos[1]) / 1e6);
      quietSteps = compiling <= COMPILING_SHARE ? quietSteps + 1 : 0;
      if (warmups++ < warmupSteps) progress.advance(1);
    }
    if (warmupSteps > 0 && (lastAllocated >= STEADY_BYTES || quietSteps < QUIET_STEPS)) {
      System.err.printf("bench: after %d warm-up steps the JIT was still at work (the last step "
          + "allocated %.1f MiB; %d quiet steps in a row of the %d wanted, compiling under %.0f%%): "
          + "the timings include code not compiled yet%n", warmups,
          lastAllocated / (1024.0 * 1024), quietSteps, QUIET_STEPS, 100 * COMPILING_SHARE);
    }
    long allocatedBefore = allocatedBytes();
    ProductTimes.clear();
    for (int s = 0; s < steps; s++) {
      loss = step(model, trainStep, rng, tokens, targets, nanos, products);
      trainNanos[s] = nanos[0];
      scoreNanos[s] = nanos[1];
      progress.advance(1);
    }
    long allocatedPerStep = (allocatedBytes() - allocatedBefore) / steps;
    progress.finish(String.format("last loss %.3f", loss));

    double seconds = Arrays.stream(trainNanos).sum() / 1e9;
    double tokensPerSecond = (double) n * steps / seconds;
    double flopsPerToken = 6.0 * config.nonEmbeddingParameters() + 6.0 * vocab * dModel
        + 12.0 * layers * dModel * context;
    double gflops = flopsPerToken * tokensPerSecond / 1e9;
    double scoreTokensPerSecond = noScore ? -1
        : (double) n * steps / (Arrays.stream(scoreNanos).sum() / 1e9);
    double scoreSpeedup = noScore ? -1 : medianRatio(trainNanos, scoreNanos);
    long needBytes = OlmoModel.trainingMemory(config, batch, context).total();
    long peakBytes = residentBytes("VmHWM:");
    long heapBytes = heapPeakBytes();
    long liveBytes = liveHeapBytes();
    // what the live figure counts must still be reachable when it is taken
    Reference.reachabilityFence(model);
    Reference.reachabilityFence(adam);
    Reference.reachabilityFence(trainStep);
    if (json) {
      ObjectNode o = Json.object();
      o.put("tokens_per_s", tokensPerSecond);
      o.put("gflops", gflops);
      o.put("threads", Parallel.threads()).put("java", CodeVersion.runtime())
          .put("code_version", CodeVersion.get());
      o.put("step_ms", seconds * 1000 / steps);
      ArrayNode each = o.putArray("step_times_ms");
      for (long t : trainNanos) each.add(t / 1e6);
      if (!noScore) {
        o.put("score_tokens_per_s", scoreTokensPerSecond);
        o.put("score_vs_train", scoreSpeedup);
      }
      o.put("peak_rss_mib", peakBytes / (1024.0 * 1024));
      o.put("runtime_rss_mib", runtimeBytes / (1024.0 * 1024));
      o.put("heap_peak_mib", heapBytes / (1024.0 * 1024));
      o.put("live_heap_mib", liveBytes / (1024.0 * 1024));
      o.put("runtime_live_heap_mib", runtimeLiveBytes / (1024.0 * 1024));
      o.put("need_mib", needBytes / (1024.0 * 1024));
      o.put("allocated_kib_per_step", allocatedPerStep / 1024.0);
      o.put("steps", steps);
      o.put("warmup_steps", warmups);
      o.put("layers", layers).put("heads", heads).put("d_model", dModel).put("ff_size", ff);
      o.put("vocab", vocab).put("context", context).put("batch", batch);
      if (products) {
        ArrayNode list = o.putArray("products");
        for (ProductTimes.Entry e : ProductTimes.entries()) {
          ObjectNode p = list.addObject().put("product", e.product())
              .put("calls_per_step", (double) e.calls() / steps).put("ms_per_step", e.nanos() / 1e6 / steps)
              .put("gflop_per_step", e.flops() / 1e9 / steps);
          if (e.nanos() > 0 && e.flops() > 0) p.put("gflops", e.flops() / e.nanos());
        }
        o.put("copy_a_ms_per_step", copyMillis(true)).put("pack_b_ms_per_step", copyMillis(false));
      }
      System.out.println(o);
    } else {
      System.out.printf("%,.0f tokens/s, %.1f GFLOP/s achieved, %.1f ms/step over %d steps (after %d "
          + "warm-up steps), %d threads, %s%n", tokensPerSecond, gflops, seconds * 1000 / steps,
          steps, warmups, Parallel.threads(), CodeVersion.runtime());
      System.out.printf("(layers %d, heads %d, d %d, ff %d, vocab %d, context %d, batch %d; %.3g FLOP/token)%n",
          layers, heads, dModel, ff, vocab, context, batch, flopsPerToken);
      if (!noScore) {
        System.out.printf("scoring (forward only): %,.0f tokens/s, %.2fx training (median of the "
            + "per-step ratios)%n", scoreTokensPerSecond, scoreSpeedup);
      }
      System.out.printf("peak resident memory %.0f MiB (%.0f MiB resident before the model was "
          + "built); weights, gradients, Adam moments, one step's activations and the threads' "
          + "workspace need %.0f MiB%n",
          peakBytes / (1024.0 * 1024), runtimeBytes / (1024.0 * 1024), needBytes / (1024.0 * 1024));
      System.out.printf("Java heap peak %.0f MiB, %.2fx the need: the arrays this run held, "
          + "without the runtime%n", heapBytes / (1024.0 * 1024), (double) heapBytes / needBytes);
      System.out.printf("live Java heap after a full collection %.0f MiB, of which the run's own "
          + "(less the %.0f MiB live before the model was built) %.2fx the need: what it keeps "
          + "from step to step%n", liveBytes / (1024.0 * 1024), runtimeLiveBytes / (1024.0 * 1024),
          (double) (liveBytes - runtimeLiveBytes) / needBytes);
      System.out.printf("allocated per timed step%s: %,.1f KiB over all threads%n",
          noScore ? "" : " and its scoring pass", allocatedPerStep / 1024.0);
      if (products) printProducts(seconds * 1000 / steps);
    }
    return 0;
  }

  /** --products: the timed steps' products by kind, the longest first, and the rest of a step. */
  private void printProducts(double stepMillis) {
    System.out.printf("where a training step's %.1f ms go (products timed by kind, wall time; "
        + "N as stored, T transposed, P packed ahead):%n", stepMillis);
    System.out.printf("  %-58s %8s %9s %7s %8s%n", "product", "calls", "ms", "share", "GFLOP/s");
    double total = 0;
    for (ProductTimes.Entry e : ProductTimes.entries()) {
      double ms = e.nanos() / 1e6 / steps;
      total += ms;
      System.out.printf("  %-58s %8.1f %9.2f %6.1f%% %8s%n", e.product(), (double) e.calls() / steps,
          ms, 100 * ms / stepMillis, e.flops() > 0 && e.nanos() > 0 ? String.format("%.1f", e.flops() / e.nanos()) : "");
    }
    System.out.printf("  %-58s %8s %9.2f %6.1f%%%n", "all of the above", "", total, 100 * total / stepMillis);
    System.out.printf("  %-58s %8s %9.2f %6.1f%%%n", "the rest: attention, norms, activations, AdamW",
        "", stepMillis - total, 100 * (stepMillis - total) / stepMillis);
    double copyA = copyMillis(true), packB = copyMillis(false);
    System.out.printf("of the step, in the products above and attention's alike (thread time over %d"
        + " threads): copying A into tiles %.2f ms (%.1f%%), packing B into panels %.2f ms (%.1f%%)%n",
        Parallel.threads(), copyA, 100 * copyA / stepMillis, packB, 100 * packB / stepMillis);
  }

  /**
   * Milliseconds a timed step spent copying A into tiles (a) or packing B into panels, thread
   * time over the threads: comparable with wall time when the threads copy side by side.
   */
  private double copyMillis(boolean a) {
    return ProductTimes.copyNanos(a) / 1e6 / steps / Parallel.threads();
  }

  /** --score-only: warm-up passes, then timed ones, each on fresh random tokens. */
  private Integer scoreOnly(ModelConfig config) {
    long max = Runtime.getRuntime().maxMemory();
    Parameters.Precision precision = Checkpoint.scoringPrecision(config, max);
    long weights = OlmoModel.parameterCount(config) * (precision == Parameters.Precision.FLOAT32 ? 4 : 2);
    if (weights > max) {
      throw new IllegalArgumentException(String.format("bench train --score-only: the weights alone need %,d MiB"
          + " in %s, but the JVM's max heap is %,d MiB; raise -Xmx (OVERTRAIN_JAVA_OPTS=-Xmx...)",
          weights >> 20, precision, max >> 20));
    }
    OlmoModel model = new OlmoModel(config, OlmoModel.initialize(config, 1, precision));
    int n = batch * context;
    int[] tokens = new int[n], targets = new int[n];
    SplittableRandom rng = new SplittableRandom(1);
    Progress progress = new Progress("bench (scoring passes)", warmupSteps + steps);
    long nanos = 0;
    double loss = 0;
    for (int s = 0; s < warmupSteps + steps; s++) {
      randomTokens(rng, tokens, targets);
      long start = System.nanoTime();
      loss = model.loss(tokens, targets, batch, context);
      if (s >= warmupSteps) nanos += System.nanoTime() - start;
      progress.advance(1);
    }
    progress.finish(String.format("last loss %.3f", loss));
    double tokensPerSecond = (double) n * steps / (nanos / 1e9);
    if (json) {
      ObjectNode o = Json.object();
      o.put("score_tokens_per_s", tokensPerSecond);
      o.put("precision", precision.toString());
      o.put("threads", Parallel.threads()).put("java", CodeVersion.runtime())
          .put("code_version", CodeVersion.get());
      o.put("steps", steps).put("warmup_steps", warmupSteps);
      o.put("layers", layers).put("heads", heads).put("d_model", dModel).put("ff_size", config.intermediateSize());
      o.put("vocab", vocab).put("context", context).put("batch", batch);
      System.out.println(o);
    } else {
      System.out.printf("scoring (forward only): %,.1f tokens/s over %d passes of %d x %d tokens (after %d"
          + " warm-up passes), weights in %s, %d threads, %s%n", tokensPerSecond, steps, batch,
          context, warmupSteps, precision, Parallel.threads(), CodeVersion.runtime());
    }
    return 0;
  }

  /**
   * One training step (forward, backward, clipping, AdamW) on fresh random tokens and, unless
   * --no-score, one scoring pass on others: their nanoseconds into nanos[0] and nanos[1]; the
   * training step's products timed by kind when asked.
   */
  private double step(OlmoModel model, Step trainStep, SplittableRandom rng, int[] tokens,
      int[] targets, long[] nanos, boolean timeProducts) {
    randomTokens(rng, tokens, targets);
    ProductTimes.enable(timeProducts);
    long start = System.nanoTime();
    double loss = trainStep.run(tokens, targets, batch, context).loss();
    nanos[0] = System.nanoTime() - start;
    ProductTimes.enable(false);
    nanos[1] = 0;
    if (!noScore) {
      randomTokens(rng, tokens, targets);
      start = System.nanoTime();
      model.loss(tokens, targets, batch, context);
      nanos[1] = System.nanoTime() - start;
    }
    return loss;
  }

  private void randomTokens(SplittableRandom rng, int[] tokens, int[] targets) {
    for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(vocab);
    for (int i = 0; i < targets.length; i++) targets[i] = rng.nextInt(vocab);
  }

  /** The median over steps of a training step's time over its scoring pass's. */
  private static double medianRatio(long[] train, long[] score) {
    double[] r = new double[train.length];
    for (int i = 0; i < r.length; i++) r[i] = (double) train[i] / score[i];
    Arrays.sort(r);
    return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
  }

  /**
   * The most the Java heap held: each heap pool's peak use, summed. The pools peak at different
   * times, so this bounds the arrays alive at once from above; it includes start-up and warm-up
   * garbage that reached the old generation, and none of the runtime's own memory (code, the
   * JIT compilers' arenas, class metadata), which the resident figures do include.
   */
  private static long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /**
   * The heap in use after a full collection: what is still reachable. Taken after the timed
   * steps, it is the model, its optimizer state, the activations and every buffer the engine
   * keeps for the next step; a step allocates only tens of KiB beyond them (the figure above),
   * so this is what a step holds at its peak, to within that. Unlike the pools' peaks, it counts
   * no garbage from start-up and warm-up.
   */
  private static long liveHeapBytes() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Milliseconds the JIT's compiler threads have spent compiling, 0 where not measured. */
  private static long compilingMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  /**
   * Bytes allocated on the heap so far by the threads alive now (this one and the engine's
   * workers, which live as long as the process), or 0 where the JVM does not count them.
   */
  private static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
        || !mx.isThreadAllocatedMemorySupported()) {
      return 0;
    }
    long sum = 0;
    for (long bytes : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) sum += Math.max(0, bytes);
    return sum;
  }

  /**
   * A resident-set figure of this process from /proc/self/status (VmRSS: now, VmHWM: the peak),
   * or -1 where there is none.
   */
  private static long residentBytes(String field) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return 1024L * Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: no figure to print
    }
    return -1;
  }
}
