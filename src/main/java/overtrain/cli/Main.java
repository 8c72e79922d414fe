package overtrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code overtrain} command: one subcommand per stage of the study. */
@Command(
    name = "overtrain",
    mixinStandardHelpOptions = true,
    version = "overtrain 0.1.0",
    description = "Reproduce, measure and extend catastrophic overtraining on a CPU.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DataCommand.class,
      TokenizerCommand.class,
      TasksCommand.class,
      FinetuneCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
