package peer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MKL's SGEMM through libtorch on the shapes of GemmBenchmark, in GFLOP/s: the GEMM peer that
 * bench/compare_gemm.py runs beside ours (run.sh --gemm; its MKL shim applies). A shape
 * "MxNxK:XY" is C[M,N] = op(A) op(B), X and Y N (as stored) or T (transposed: a transposed view
 * of the stored matrix, which libtorch hands to MKL as such, uncopied). Output as
 * bench/blas_gemm.py prints it: one line per shape, the median of the timed calls.
 *
 * <pre>
 *   bench/libtorch/run.sh --gemm --threads 2 [--seconds 2] [--shapes 4096x256x256:NT ...]
 * </pre>
 */
public final class LibtorchGemm {
  /** GemmBenchmark's and bench/blas_gemm.py's: a 4 x 256 x 8192 step's products. */
  private static final List<String> SHAPES = List.of("4096x256x256:NT", "4096x1024x256:NT",
      "4096x256x1024:NT", "1024x8192x256:NT", "1024x256x8192:NN", "4096x256x1024:NN",
      "256x256x4096:TN", "1024x256x4096:TN", "256x1024x4096:TN", "8192x256x1024:TN");

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    int threads = 2;
    double seconds = 2;
    List<String> shapes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--shapes" -> {
          while (i + 1 < args.length && !args[i + 1].startsWith("--")) shapes.add(args[++i]);
        }
        default -> throw new IllegalArgumentException("LibtorchGemm: unknown argument " + args[i]
            + " (expected --threads T, --seconds S, --shapes MxNxK:XY ...)");
      }
    }
    if (shapes.isEmpty()) shapes = SHAPES;
    Engine engine = Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    JniUtils.setNumInteropThreads(1);
    System.out.printf("%-20s %8s %10s  (MKL through libtorch %s, median of timed calls)%n", "shape",
        "threads", "GFLOP/s", engine.getVersion());
    try (NDManager manager = engine.newBaseManager()) {
      for (String shape : shapes) {
        String[] dims = shape.substring(0, shape.indexOf(':')).split("x");
        int m = Integer.parseInt(dims[0]), n = Integer.parseInt(dims[1]), k = Integer.parseInt(dims[2]);
        boolean ta = shape.charAt(shape.length() - 2) == 'T', tb = shape.charAt(shape.length() - 1) == 'T';
        try (NDManager scope = manager.newSubManager()) {
          NDArray a = scope.randomUniform(0f, 1f, ta ? new Shape(k, m) : new Shape(m, k));
          NDArray b = scope.randomUniform(0f, 1f, tb ? new Shape(n, k) : new Shape(k, n));
          NDArray opA = ta ? a.transpose() : a, opB = tb ? b.transpose() : b;
          for (int i = 0; i < 3; i++) opA.matMul(opB).close();
          List<Long> times = new ArrayList<>();
          long start = System.nanoTime();
          while (System.nanoTime() - start < seconds * 1e9 || times.size() < 5) {
            long t = System.nanoTime();
            opA.matMul(opB).close();
            times.add(System.nanoTime() - t);
          }
          long[] sorted = times.stream().mapToLong(Long::longValue).toArray();
          Arrays.sort(sorted);
          double gflops = 2.0 * m * n * k / sorted[sorted.length / 2];
          System.out.printf("%-20s %8d %10.1f%n", shape, threads, gflops);
        }
      }
    }
  }
}
