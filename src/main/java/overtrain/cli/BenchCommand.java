package overtrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code overtrain bench}: speed measurements, one subcommand each. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the engine's speed.",
    subcommands = {BenchTrainCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
