package overtrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code overtrain} command: one subcommand per stage of the study. */
@Command(
    name = "overtrain",
    mixinStandardHelpOptions = true,
    version = "overtrain 0.1.0",
    description = "Reproduce, measure and extend catastrophic overtraining on a CPU.",
    // Subcommands inherit --help/--version and the version string.
    scope = CommandLine.ScopeType.INHERIT,
    subcommands = {
      DataCommand.class,
      TokenizerCommand.class,
      TokenizeCommand.class,
      TasksCommand.class,
      PretrainCommand.class,
      EvalCommand.class,
      FinetuneCommand.class,
      PerturbCommand.class,
      ExportCommand.class,
      TheoryCommand.class,
      StudyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling: a failing command prints its message (which
   * names the file and field at fault), not a stack trace; -Dovertrain.trace=true shows both.
   */
  public static CommandLine commandLine() {
    CommandLine root = new CommandLine(new Main());
    // Set after construction so that the subcommands, which inherit the rest, do not inherit it.
    root.getCommandSpec().usageMessage().footer(
        "",
        "The pipeline, in order: data fetch, tokenizer train, tokenize, tasks build, pretrain,"
            + " then finetune, perturb and eval. examples/quickstart.sh runs it once, small."
            + " 'overtrain help COMMAND' explains each command.");
    return root.setExecutionExceptionHandler((e, cl, parsed) -> {
      if (Boolean.getBoolean("overtrain.trace")) e.printStackTrace(cl.getErr());
      cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message(e));
      return 1;
    });
  }

  /**
   * What went wrong, in words: the JDK's file-system exceptions carry only the path as their
   * message ("nope.npy"), so they get theirs spelled out.
   */
  static String message(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException f) return f.getFile() + ": no such file or directory";
    if (e instanceof java.nio.file.AccessDeniedException f) return f.getFile() + ": permission denied";
    if (e instanceof java.nio.file.NotDirectoryException f) return f.getFile() + ": not a directory";
    return e.getMessage();
  }
}
