package overtrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --workers N} of the commands that run (or estimate) a study's local pool. */
final class WorkersOption {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  private Integer workers;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker processes at most at a time, one cell each (default: as many as keep every core "
          + "busy, the cells' threads adding up to the cores).")
  void set(int n) {
    if (n < 1) throw new CommandLine.ParameterException(mixee.commandLine(), "--workers must be at least 1, got " + n);
    workers = n;
  }

  /** The number asked for, or one per core. */
  int count() {
    return workers != null ? workers : Runtime.getRuntime().availableProcessors();
  }
}
