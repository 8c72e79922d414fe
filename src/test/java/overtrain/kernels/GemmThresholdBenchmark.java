package overtrain.kernels;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where two threads start to pay: square products of growing size, forced onto one thread or
 * onto {@link Parallel}'s two threads. {@link Gemm#PARALLEL_MIN_MACS} is set from where
 * "parallel" overtakes "serial" here. Scores are products per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dovertrain.threads=2"})
public class GemmThresholdBenchmark {
  @Param({"96", "128", "160", "192", "256", "320"})
  public int size;

  @Param({"false", "true"})
  public boolean parallel;

  private float[] a, b, c;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(1);
    a = new float[size * size];
    b = new float[size * size];
    c = new float[size * size];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextDouble();
      b[i] = (float) rnd.nextDouble();
    }
  }

  @Benchmark
  public float[] gemm() {
    Gemm.run(false, true, size, size, size, a, 0, size, b, 0, size, c, 0, size, false, parallel);
    return c;
  }
}
