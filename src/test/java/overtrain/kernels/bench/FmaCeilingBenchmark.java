package overtrain.kernels.bench;

import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import overtrain.kernels.Gemm;

/**
 * The machine's floating-point ceiling: independent fused multiply-add chains on full vectors
 * with no memory traffic, on one thread and on two. One operation is {@link #FLOPS} floating-
 * point operations; JMH sums the throughput of all threads.
 *
 * <p>Beside it, what the host lets a product reach at the same time: each thread multiplies its
 * own {@link #SIZE}-square matrices ({@link Gemm#sgemmSerial}, no hand-over between threads,
 * operands in its core's caches), {@link #PRODUCT_FLOPS} a call. On a quiet host this runs
 * near the ceiling. When a neighbour shares the cores' load side and caches it falls well below
 * it, and every product of a training step with it, while the ceiling's loop, which touches no
 * memory, does not move (bench/HISTORY.md).
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

  /** Side of the in-cache product: A, B, C and the packed B together fill about a core's L2. */
  static final int SIZE = 256;
  public static final long PRODUCT_FLOPS = 2L * SIZE * SIZE * SIZE;

  private final float x = 0.999f, y = 1e-6f;
  private float[] a, b, c;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(1);
    a = GemmBenchmark.random(rnd, SIZE * SIZE);
    b = GemmBenchmark.random(rnd, SIZE * SIZE);
    c = new float[SIZE * SIZE];
  }

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

  @Benchmark
  @Threads(1)
  public float[] product1() {
    return product();
  }

  @Benchmark
  @Threads(2)
  public float[] product2() {
    return product();
  }

  private float[] product() {
    Gemm.sgemmSerial(false, false, SIZE, SIZE, SIZE, a, 0, SIZE, b, 0, SIZE, c, 0, SIZE, false);
    return c;
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
