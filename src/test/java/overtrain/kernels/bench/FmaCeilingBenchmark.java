package overtrain.kernels.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's floating-point ceiling: independent fused multiply-add chains on full vectors
 * with no memory traffic, on one thread and on two. One operation is {@link #FLOPS} floating-
 * point operations; JMH sums the throughput of all threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaCeilingBenchmark {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int STEPS = 1 << 16;
  /** 12 chains, each one FMA (2 flops per lane) per step. */
  public static final long FLOPS = 2L * 12 * S.length() * STEPS;

  private final float x = 0.999f, y = 1e-6f;

  @Benchmark
  @Threads(1)
  public float fma1() {
    return chains();
  }

  @Benchmark
  @Threads(2)
  public float fma2() {
    return chains();
  }

  /** 12 independent chains cover the FMA latency (4 cycles) on both FMA ports. */
  private float chains() {
    FloatVector m = FloatVector.broadcast(S, x), d = FloatVector.broadcast(S, y);
    FloatVector a0 = d, a1 = d.add(1), a2 = d.add(2), a3 = d.add(3), a4 = d.add(4), a5 = d.add(5);
    FloatVector a6 = d.add(6), a7 = d.add(7), a8 = d.add(8), a9 = d.add(9), a10 = d.add(10);
    FloatVector a11 = d.add(11);
    for (int i = 0; i < STEPS; i++) {
      a0 = a0.fma(m, d); a1 = a1.fma(m, d); a2 = a2.fma(m, d); a3 = a3.fma(m, d);
      a4 = a4.fma(m, d); a5 = a5.fma(m, d); a6 = a6.fma(m, d); a7 = a7.fma(m, d);
      a8 = a8.fma(m, d); a9 = a9.fma(m, d); a10 = a10.fma(m, d); a11 = a11.fma(m, d);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
        .add(a10).add(a11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
