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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's streaming ceiling, STREAM's triad a = b + s * c on full vectors, for arrays of
 * {@code floats} each: 2^20 (4 MiB, the size of one activation of a 4 x 256 training step,
 * which stays in the shared L3) and 2^25 (128 MiB, from memory). Each thread has its own three
 * arrays; one operation moves {@link #bytes} (each array once, as STREAM counts it: the reads
 * of a that a write-allocate cache makes are not counted), and JMH sums the threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class BandwidthCeilingBenchmark {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Param({"1048576", "33554432"})
  public int floats;

  private float[] a, b, c;

  /** Bytes one triad over arrays of {@code floats} moves. */
  public static long bytes(long floats) {
    return 12 * floats;
  }

  @Setup
  public void setup() {
    a = new float[floats];
    b = new float[floats];
    c = new float[floats];
    java.util.Arrays.fill(b, 1f);
    java.util.Arrays.fill(c, 2f);
  }

  @Benchmark
  @Threads(1)
  public float[] triad1() {
    return triad();
  }

  @Benchmark
  @Threads(2)
  public float[] triad2() {
    return triad();
  }

  private float[] triad() {
    FloatVector s = FloatVector.broadcast(S, 0.5f);
    for (int i = 0; i < floats; i += S.length()) {
      FloatVector.fromArray(S, c, i).fma(s, FloatVector.fromArray(S, b, i)).intoArray(a, i);
    }
    return a;
  }
}
