package overtrain.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import overtrain.report.TheoryReport;
import overtrain.theory.TheoryConfig;
import overtrain.theory.TheoryExperiment;
import overtrain.theory.TheoryResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overtrain theory}: the paper's linear-network account of catastrophic overtraining. */
@Command(
    name = "theory",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate the paper's linear-network theory and find its inflection points.",
      "",
      "A two-layer linear network W2 W1 pre-trained by gradient "
          + "descent on a target A = U S V^T learns its singular directions one by one; it is "
          + "then fine-tuned, from its weights at each pre-training time T, on a target whose "
          + "singular vectors are turned by an angle. For every fine-tuning LR, L2 pull lambda "
          + "and angle it measures the pre-training loss after fine-tuning against T and reports "
          + "the inflection point (the T where that loss is lowest, if it rises after).",
      "Writes theory.csv, theory-learned.csv, theory-trajectory.csv, theory.json and figures "
          + "(PNG and SVG) into --out. With --out runs/NAME/theory, 'overtrain report NAME' shows "
          + "the theory's inflection points beside the study's."
    })
public final class TheoryCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML settings (snake_case keys); keys left out keep the defaults, which "
          + "theory.json records in full.")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/theory",
      description = "Folder for CSV, JSON and figures (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    TheoryConfig settings;
    try {
      settings = config == null ? TheoryConfig.defaults() : TheoryConfig.load(config);
    } catch (IllegalArgumentException e) {
      System.err.println("overtrain theory: " + e.getMessage());
      return 2;
    }
    long start = System.nanoTime();
    Progress[] bar = {null}; // the grid's size is known once the experiment starts
    TheoryResult result = TheoryExperiment.run(settings, (done, total) -> {
      if (bar[0] == null) bar[0] = new Progress("theory", total);
      bar[0].advanceTo(done);
    });
    if (bar[0] != null) bar[0].finish("");
    TheoryReport writer = new TheoryReport(result);
    int files = writer.write(out).size();
    for (TheoryResult.Setting s : result.settings()) {
      System.out.printf("lr %-8s lambda %-8s angle %-5s inflection %s%n",
          s.lr(), s.lambda(), s.angleDegrees(), s.inflection().describe());
    }
    System.out.printf("wrote %d files to %s in %.1f s%n", files, out, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
