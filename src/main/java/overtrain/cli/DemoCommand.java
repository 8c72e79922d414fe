package overtrain.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code overtrain demo}: the demo preset from nothing to its report, as the README's first command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The paper's controlled experiment, small, from nothing to its report: about six minutes on 2 cores.",
        "", "Fetches public-domain prose, English documentation and Python source, trains a tokenizer, "
        + "pre-trains a 2-layer model at five budgets with two seeds (each annealed at its own budget), "
        + "perturbs every checkpoint at three magnitudes and fine-tunes it at two rates, then writes "
        + "runs/demo/report.html and prints what was found. The same as 'overtrain reproduce --preset "
        + "demo'; 'overtrain study preset demo' prints the study, to copy and change.",
        "", "Safe to stop (Ctrl-C) and to run again: it picks up where it was."})
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Mixin WorkersOption workers;

  @Override
  public Integer call() throws Exception {
    return ReproduceCommand.reproduce(Path.of("demo"), workers.count());
  }
}
