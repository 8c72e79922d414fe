package overtrain.kernels.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import overtrain.model.bench.StepPassesBenchmark;

/**
 * Runs JMH with the given command-line options (the same as org.openjdk.jmh.Main's) and then
 * prints every result in the unit its kernel is bound by. Products as GFLOP/s: a GEMM of shape
 * MxNxK does 2MNK operations (size^3 for the threshold products), a ceiling loop
 * {@link FmaCeilingBenchmark#FLOPS} per call and thread, its in-cache product
 * {@link FmaCeilingBenchmark#PRODUCT_FLOPS}. Memory passes as GB/s of the bytes they
 * must move ({@link StepPassesBenchmark#bytes}, {@link BandwidthCeilingBenchmark#bytes}), each
 * also as a share of the two-thread triad ceiling when that ran too: the 4 MiB one (arrays the
 * size of a step's activations, held in L3) and the 128 MiB one (from memory).
 */
public final class KernelReport {
  private KernelReport() {}

  /** One result in its unit: name, threads, value and error. */
  private record Line(String name, String threads, String unit, double value, double error) {}

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
    List<Line> lines = new ArrayList<>();
    double cacheCeiling = Double.NaN, memoryCeiling = Double.NaN;
    for (RunResult r : results) {
      BenchmarkParams params = r.getParams();
      String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.',
          params.getBenchmark().lastIndexOf('.') - 1) + 1);
      double perOp;
      String unit = "GFLOP/s", threads;
      if (name.startsWith("GemmBenchmark")) {
        String shape = params.getParam("shape");
        String[] d = shape.substring(0, shape.indexOf(':')).split("x");
        perOp = 2.0 * Long.parseLong(d[0]) * Long.parseLong(d[1]) * Long.parseLong(d[2]);
        name = name + " " + shape;
        threads = params.getParam("threads");
      } else if (name.startsWith("GemmThresholdBenchmark")) {
        long size = Long.parseLong(params.getParam("size"));
        perOp = 2.0 * size * size * size;
        name = name + " " + size + "^3";
        threads = Boolean.parseBoolean(params.getParam("parallel")) ? "pool" : "1";
      } else if (name.startsWith("BandwidthCeilingBenchmark")) {
        long floats = Long.parseLong(params.getParam("floats"));
        perOp = BandwidthCeilingBenchmark.bytes(floats);
        unit = "GB/s";
        name = name + " " + floats * 4 / (1 << 20) + " MiB";
        threads = Integer.toString(params.getThreads());
      } else if (name.startsWith("StepPassesBenchmark")) {
        perOp = StepPassesBenchmark.bytes(method);
        unit = "GB/s";
        threads = engineThreads(params);
      } else {
        perOp = method.startsWith("product")
            ? FmaCeilingBenchmark.PRODUCT_FLOPS : FmaCeilingBenchmark.FLOPS;
        threads = Integer.toString(params.getThreads());
      }
      double score = r.getPrimaryResult().getScore(); // operations per second, all threads
      double error = r.getPrimaryResult().getScoreError();
      double value = score * perOp / 1e9;
      lines.add(new Line(name, threads, unit, value, Double.isNaN(error) ? 0 : error * perOp / 1e9));
      if (name.startsWith("BandwidthCeilingBenchmark") && params.getThreads() == 2) {
        if (Long.parseLong(params.getParam("floats")) <= 1 << 20) cacheCeiling = value;
        else memoryCeiling = value;
      }
    }
    System.out.println();
    System.out.printf("%-48s %7s %8s %9s %8s %8s %8s%n",
        "benchmark", "threads", "unit", "value", "+-", "% L3", "% mem");
    for (Line l : lines) {
      boolean pass = l.name().startsWith("StepPassesBenchmark");
      System.out.printf("%-48s %7s %8s %9.1f %8.1f %8s %8s%n", l.name(), l.threads(), l.unit(),
          l.value(), l.error(), pass ? percent(l.value(), cacheCeiling) : "",
          pass ? percent(l.value(), memoryCeiling) : "");
    }
  }

  /** The engine's thread count the fork was given, or "all" when it was left to the cores. */
  private static String engineThreads(BenchmarkParams params) {
    String threads = "all";
    for (String arg : params.getJvmArgs()) {
      if (arg.startsWith("-Dovertrain.threads=")) threads = arg.substring(arg.indexOf('=') + 1);
    }
    return threads;
  }

  private static String percent(double value, double ceiling) {
    return Double.isNaN(ceiling) ? "-" : String.format("%.0f%%", 100 * value / ceiling);
  }
}
