package overtrain.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.io.AtomicWrite;
import overtrain.io.Configs;
import overtrain.perturb.PerturbationSweep;
import overtrain.report.LinePlot;
import overtrain.report.Series;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code overtrain perturb}: held-out loss under Gaussian perturbations of a checkpoint. */
@Command(
    name = "perturb",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Perturb a checkpoint with Gaussian noise and measure the held-out loss it costs.",
      "",
      "The perturbation is theta + gamma * eps with eps ~ N(0, Sigma), Sigma the "
          + "initialisation's covariance: each tensor gets noise of its own init std. The "
          + "held-out loss is measured for every magnitude gamma and --seeds directions eps "
          + "(the same directions for every gamma).",
      "Prints the loss of the checkpoint and, per gamma, the mean loss and the mean and "
          + "standard deviation of the degradation. With --out, writes result.json (every run, "
          + "the settings and seeds) and degradation.png/.svg there."
    })
public final class PerturbCommand implements Callable<Integer> {
  @Mixin SharedOptions.Model modelOption;
  @Mixin SharedOptions.Precision precision;

  @Option(names = "--heldout-tokens", required = true, paramLabel = "FILE.npy",
      description = "Held-out pre-training tokens the loss is measured on.")
  Path heldout;

  @Mixin ConfigFlags.Mixin configFlags;

  @ConfigFlags.Key("gammas")
  @Option(names = "--gamma", split = ",", paramLabel = "G[,G...]",
      description = "Perturbation magnitudes, e.g. 0.1,0.3,1 (0 leaves the weights as they are; required).")
  List<Double> gammas;

  @ConfigFlags.Key("seeds")
  @Option(names = "--seeds", paramLabel = "N",
      description = "Directions eps drawn per magnitude (default: ${DEFAULT-VALUE}).")
  Integer seeds;

  @ConfigFlags.Key("seed")
  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the first direction; direction i uses S + i (default: ${DEFAULT-VALUE}).")
  Long seed;

  @ConfigFlags.Key("context")
  @Option(names = "--context", paramLabel = "N",
      description = "Predictions per scored window; 0 for the model's max_position_embeddings (default: ${DEFAULT-VALUE}).")
  Integer context;

  @ConfigFlags.Key("batch")
  @Option(names = "--batch", paramLabel = "N",
      description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
  Integer batch;

  @ConfigFlags.Key("max_tokens")
  @Option(names = "--max-tokens", paramLabel = "N",
      description = "Predictions scored per measurement (default: ${DEFAULT-VALUE}).")
  Long maxTokens;

  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", description = "Folder for result.json and the figure.")
  Path out;

  @Option(names = "--json", description = "Print result.json to stdout instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Configs.Layer> layers = ConfigFlags.layers(spec, configFlags);
    if (layers.stream().noneMatch(l -> l.tree().hasNonNull("gammas"))) {
      throw new IllegalArgumentException("'gammas' is required (in the YAML file or as --gamma)");
    }
    PerturbationSweep.Config asked = Configs.load(PerturbationSweep.Config.class, PerturbationSweep.Config.DEFAULTS, layers);
    if (out != null) checkWritable(out, List.of("result.json", "degradation.png", "degradation.svg"));
    Checkpoint.Loaded loaded = Loading.checkpoint(modelOption.dir, precision.resolve(modelOption.dir));
    PerturbationSweep.Config config = asked.forModel(loaded.config());
    int ctx = config.context();
    TokenFile file = TokenFile.open(heldout, loaded.config().vocabSize());
    Progress progress = new Progress("perturb (tokens)", PerturbationSweep.totalTokens(config, file));
    PerturbationSweep.Result result = PerturbationSweep.run(loaded.config(), loaded.params(),
        params -> Checkpoint.reload(modelOption.dir, params), modelOption.dir.toString(), file,
        heldout.toString(), config, (done, total) -> progress.advanceTo(done));
    progress.finish("");

    String resultJson = Configs.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    // The result is printed first: should a write still fail, the measurement is not lost.
    if (json) {
      System.out.println(resultJson);
    } else {
      System.out.printf("held-out loss %.6f nats over %d tokens (context %d)%n",
          result.baseLoss(), result.tokens(), ctx);
      System.out.printf("%12s %12s %28s%n", "gamma", "mean loss",
          "degradation, mean +- sd of " + config.seeds());
      for (PerturbationSweep.Summary s : result.summary()) {
        System.out.printf("%12.4g %12.6f %+16.6f +- %.6f%n",
            s.gamma(), s.meanLoss(), s.meanDegradation(), s.sdDegradation());
      }
    }
    System.out.flush();
    if (out != null) {
      AtomicWrite.writeString(out.resolve("result.json"), resultJson + "\n");
      plot(result).write(out, "degradation");
    }
    return 0;
  }

  /**
   * Makes {@code dir} and writes (then removes) a file in it, so that an output the sweep
   * cannot write is found before the sweep runs, not after; each named output must be a file
   * or not yet exist.
   */
  static void checkWritable(Path dir, List<String> outputs) throws java.io.IOException {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (!Files.exists(p)) continue;
      if (!Files.isDirectory(p)) {
        throw new java.io.IOException(dir + ": cannot make this output folder: " + p + " is a file");
      }
      break;
    }
    try {
      Files.createDirectories(dir);
    } catch (java.nio.file.FileSystemException e) {
      throw new java.io.IOException(dir + ": cannot make this output folder ("
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ")", e);
    }
    for (String name : outputs) {
      Path target = dir.resolve(name);
      if (Files.exists(target) && !Files.isRegularFile(target)) {
        throw new java.io.IOException(target + ": exists and is not a file, so the output cannot replace it");
      }
    }
    try (AtomicWrite.Pending probe = AtomicWrite.open(dir.resolve(outputs.get(0)))) {
      probe.stream().write('\n'); // closed uncommitted: the temporary file goes, nothing is replaced
    } catch (java.nio.file.FileSystemException e) {
      throw new java.io.IOException(dir + ": cannot write in this output folder ("
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ")", e);
    }
  }

  /** Degradation against gamma: the mean over seeds, and each seed's line beneath it, pale. */
  private static LinePlot plot(PerturbationSweep.Result r) {
    List<Double> gammas = r.config().gammas();
    boolean logX = gammas.stream().allMatch(g -> g > 0);
    double[] x = gammas.stream().mapToDouble(Double::doubleValue).toArray();
    List<Series> series = new ArrayList<>();
    double[] mean = r.summary().stream().mapToDouble(PerturbationSweep.Summary::meanDegradation).toArray();
    series.add(Series.of("mean of " + r.config().seeds() + " seeds", x, mean));
    for (int s = 0; s < r.config().seeds(); s++) {
      double[] y = new double[x.length];
      for (int g = 0; g < x.length; g++) y[g] = r.runs().get(g * r.config().seeds() + s).degradation();
      series.add(Series.of("seed " + (r.config().seed() + s), x, y).asDashed().withoutMarkers()
          .inColour(0).hiddenFromLegend());
    }
    return new LinePlot("Held-out loss degradation under Gaussian perturbation (" + r.model() + ")",
        "perturbation magnitude gamma (noise std / init std)", "loss - unperturbed loss (nats)",
        logX, false, series);
  }
}
