package overtrain.kernels.bench;

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
import overtrain.kernels.Gemm;

/**
 * GEMM throughput on the products of one training step at 4 layers, d 256, vocab 8192 and
 * 4096 rows (batch 16 x context 256), the head's a chunk of rows at a time as the step runs them
 * ({@code overtrain bench train --products} lists a step's products). A shape reads "MxNxK:XY" with X, Y = N (as stored) or T
 * (transposed) for A and B; one operation is one product, 2*M*N*K floating-point operations
 * ({@code bench/jmh.sh} turns the scores into GFLOP/s). threads=1 runs {@link Gemm#sgemmSerial},
 * threads=2 runs {@link Gemm#sgemm} on the engine's pool (start the JVM with
 * -Dovertrain.threads=2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dovertrain.threads=2"})
public class GemmBenchmark {
  @Param({
    "4096x256x256:NT", // attention projections, forward: y = x W^T
    "4096x1024x256:NT", // MLP gate/up, forward
    "4096x256x1024:NT", // MLP down, forward
    "1024x8192x256:NT", // output head, forward, a chunk of 1024 rows (CrossEntropy.trainingChunk)
    "1024x256x8192:NN", // output head, input gradient of a chunk: dx = dz W
    "4096x256x1024:NN", // MLP gate/up, input gradient
    "256x256x4096:TN", // attention projection, weight gradient: dW = dy^T x
    "1024x256x4096:TN", // MLP gate/up, weight gradient
    "256x1024x4096:TN", // MLP down, weight gradient
    "8192x256x1024:TN" // output head, weight gradient of a chunk
  })
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private boolean ta, tb;
  private int m, n, k;
  private float[] a, b, c;

  @Setup
  public void setup() {
    String[] dims = shape.substring(0, shape.indexOf(':')).split("x");
    m = Integer.parseInt(dims[0]);
    n = Integer.parseInt(dims[1]);
    k = Integer.parseInt(dims[2]);
    ta = shape.charAt(shape.length() - 2) == 'T';
    tb = shape.charAt(shape.length() - 1) == 'T';
    SplittableRandom rnd = new SplittableRandom(1);
    a = random(rnd, m * k);
    b = random(rnd, k * n);
    c = new float[m * n];
  }

  @Benchmark
  public float[] gemm() {
    int lda = ta ? m : k, ldb = tb ? k : n;
    if (threads == 1) {
      Gemm.sgemmSerial(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
    } else {
      Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
    }
    return c;
  }

  static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() - 0.5);
    return x;
  }
}
