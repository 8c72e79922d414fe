package overtrain.kernels.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the given command-line options (the same as org.openjdk.jmh.Main's) and then
 * prints every result as GFLOP/s: a GEMM of shape MxNxK does 2MNK operations (size^3 for the
 * threshold products), a ceiling loop {@link FmaCeilingBenchmark#FLOPS} per call and thread.
 */
public final class GflopsReport {
  private GflopsReport() {}

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
    System.out.println();
    System.out.printf("%-40s %8s %10s %10s%n", "benchmark", "threads", "GFLOP/s", "+-");
    for (RunResult r : results) {
      var params = r.getParams();
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.',
          params.getBenchmark().lastIndexOf('.') - 1) + 1);
      double flops;
      String threads;
      if (name.startsWith("GemmBenchmark")) {
        String shape = params.getParam("shape");
        String[] d = shape.substring(0, shape.indexOf(':')).split("x");
        flops = 2.0 * Long.parseLong(d[0]) * Long.parseLong(d[1]) * Long.parseLong(d[2]);
        name = name + " " + shape;
        threads = params.getParam("threads");
      } else if (name.startsWith("GemmThresholdBenchmark")) {
        long size = Long.parseLong(params.getParam("size"));
        flops = 2.0 * size * size * size;
        name = name + " " + size + "^3";
        threads = Boolean.parseBoolean(params.getParam("parallel")) ? "pool" : "1";
      } else {
        flops = FmaCeilingBenchmark.FLOPS;
        threads = Integer.toString(params.getThreads());
      }
      double score = r.getPrimaryResult().getScore(); // operations per second, all threads
      double error = r.getPrimaryResult().getScoreError();
      System.out.printf("%-40s %8s %10.1f %10.1f%n", name, threads, score * flops / 1e9,
          Double.isNaN(error) ? 0 : error * flops / 1e9);
    }
  }
}
