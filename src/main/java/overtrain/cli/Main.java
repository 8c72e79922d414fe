package overtrain.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine;

/** The {@code overtrain} command: one subcommand per stage of the study. */
@Command(
    name = "overtrain",
    mixinStandardHelpOptions = true,
    version = "overtrain 0.1.0",
    description = "Reproduce, measure and extend catastrophic overtraining on a CPU.",
    // Subcommands inherit --help/--version and the version string.
    scope = CommandLine.ScopeType.INHERIT,
    subcommands = {
      DemoCommand.class,
      ReproduceCommand.class,
      DataCommand.class,
      TokenizerCommand.class,
      TokenizeCommand.class,
      TasksCommand.class,
      PretrainCommand.class,
      EvalCommand.class,
      FinetuneCommand.class,
      PerturbCommand.class,
      MultimodalCommand.class,
      ExportCommand.class,
      TheoryCommand.class,
      StudyCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      Main.HelpCommand.class
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
    ConfigFlags.installDefaults(root);
    // Set on the root after the subcommands are added, so that it reaches all of them.
    root.setHelpFactory(WordWrappingHelp::new);
    // Set after construction so that the subcommands, which inherit the rest, do not inherit it.
    root.getCommandSpec().usageMessage().footer(
        "",
        "The pipeline, in order: data fetch, tokenizer train, tokenize, tasks build, pretrain,"
            + " then finetune, perturb and eval. examples/quickstart.sh runs it once, small;"
            + " 'study' runs the paper's grid of budgets x modifications (try 'study plan demo'),"
            + " 'study findings' and 'report' say what it found."
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

  /**
   * {@code overtrain help [COMMAND [SUBCOMMAND...]]}: picocli's own help command looks one level
   * down only, so {@code help data fetch} showed {@code data}'s help; this one follows the whole
   * path.
   */
  @Command(
      name = "help",
      helpCommand = true,
      description = "Show the help of a command, or of a subcommand given by its path"
          + " ('overtrain help data fetch').")
  static final class HelpCommand
      implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {

    @CommandLine.Parameters(paramLabel = "COMMAND", arity = "0..*",
        description = "The command, and its subcommands in order, whose help to show.")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out,
        PrintWriter err) {
      this.self = helpCommandLine;
      this.colors = colorScheme;
      this.out = out;
    }

    @Override
    public Integer call() {
      CommandLine target = self.getParent();
      for (String name : path) {
        CommandLine sub = target.getSubcommands().get(name);
        if (sub == null) {
          throw new CommandLine.ParameterException(self, "'" + target.getCommandName()
              + "' has no command '" + name + "'; its commands: "
              + String.join(", ", target.getSubcommands().keySet()));
        }
        target = sub;
      }
      target.usage(out, colors);
      out.flush();
      return target.getCommandSpec().exitCodeOnUsageHelp();
    }
  }

  /**
   * Usage help that breaks lines only at spaces. picocli breaks where the JDK's line
   * {@link java.text.BreakIterator} allows, which includes after a dot, comma or slash followed
   * by a letter ("OUT/result." then "json" on the next line, "--lr=LR[," then "LR...]"): file
   * names, flags and number lists came out cut in two. Every table picocli builds for a help
   * message (synopsis, description, header, footer, option, parameter and command lists) is
   * built here as a {@link WordTable} with the same columns.
   *
   * <p>Some descriptions are written as one string per line, wrapped by hand at some width
   * (each string then starts a new line of help, whatever the width). Strings are joined back
   * into one paragraph here, a string with the next, unless it is blank or ends a sentence or a
   * heading ('.', '!', '?', ':'): a paragraph is then wrapped to the width like any other.
   */
  static final class WordWrappingHelp extends CommandLine.Help {
    WordWrappingHelp(CommandSpec spec, ColorScheme colorScheme) {
      super(spec, colorScheme);
    }

    private UsageMessageSpec usage() {
      return commandSpec().usageMessage();
    }

    private WordTable table(Column... columns) {
      WordTable table = new WordTable(colorScheme(), columns);
      table.setAdjustLineBreaksForWideCJKCharacters(usage().adjustLineBreaksForWideCJKCharacters());
      return table;
    }

    /** picocli's {@code Help.join}: each line formatted with the params, wrapped to the width. */
    private String join(String[] lines, Object... params) {
      if (lines == null) return "";
      WordTable table = table(new Column(usage().width(), 0, Column.Overflow.WRAP));
      table.indentWrappedLines = 0;
      for (String line : lines) table.addRowValues(format(line, params));
      return table.toString();
    }

    private static String format(String s, Object... params) {
      if (s == null) return "";
      try {
        return String.format(s, params);
      } catch (IllegalFormatException e) {
        return s;
      }
    }

    @Override public String description(Object... params) {
      return join(paragraphs(usage().description()), params);
    }

    @Override public String header(Object... params) {
      return join(paragraphs(usage().header()), params);
    }

    @Override public String footer(Object... params) {
      return join(paragraphs(usage().footer()), params);
    }

    @Override public String customSynopsis(Object... params) {
      return join(usage().customSynopsis(), params);
    }

    /** Hand-wrapped lines joined back into paragraphs (see the class comment). */
    static String[] paragraphs(String[] lines) {
      if (lines == null) return null;
      List<String> out = new ArrayList<>();
      for (String line : lines) {
        int last = out.size() - 1;
        if (last >= 0 && continues(out.get(last)) && !line.isBlank()) {
          out.set(last, out.get(last).stripTrailing() + " " + line.strip());
        } else {
          out.add(line);
        }
      }
      return out.toArray(new String[0]);
    }

    /** Whether a line of a description runs on into the next: not blank, no sentence ended. */
    static boolean continues(String line) {
      String s = line.stripTrailing();
      if (s.isEmpty()) return false;
      char c = s.charAt(s.length() - 1);
      return c != '.' && c != '!' && c != '?' && c != ':';
    }

    /**
     * The rows an option or parameter renderer made, with a description's hand-wrapped lines
     * joined back into one row (the other columns of a continuation row are blank).
     */
    static Text[][] joinDescriptionLines(Text[][] rows) {
      List<Text[]> out = new ArrayList<>();
      for (Text[] row : rows) {
        int last = row.length - 1;
        if (!out.isEmpty() && last >= 0 && out.get(out.size() - 1).length == row.length) {
          Text[] prev = out.get(out.size() - 1);
          boolean onlyDescription = true;
          for (int i = 0; i < last; i++) onlyDescription &= row[i].plainString().isBlank();
          String text = row[last].plainString();
          if (onlyDescription && continues(prev[last].plainString()) && !text.isBlank()) {
            int lead = text.length() - text.stripLeading().length();
            prev[last] = prev[last].concat(" ").concat(row[last].substring(lead));
            continue;
          }
        }
        out.add(row.clone());
      }
      return out.toArray(new Text[0][]);
    }

    /** picocli's cap on the synopsis's indent, a share of the width (private there). */
    private static final double MAX_AUTO_INDENT = 0.9;

    @Override
    protected String insertSynopsisCommandName(int headingLength, Text details) {
      // As picocli does: the synopsis's continuation lines line up after the command's name,
      // unless that would leave too little room.
      String name = commandSpec().qualifiedName();
      int indent = headingLength + name.length() + 1;
      if (indent > usage().synopsisAutoIndentThreshold() * usage().width()) {
        indent = usage().synopsisIndent() < 0 ? headingLength : usage().synopsisIndent();
        indent = Math.min(indent, (int) (MAX_AUTO_INDENT * usage().width()));
      }
      WordTable table = table(new Column(usage().width(), 0, Column.Overflow.WRAP));
      table.indentWrappedLines = indent;
      Text padding = CommandLine.Help.Ansi.OFF.new Text("X".repeat(headingLength), colorScheme());
      table.addRowValues(padding.concat(colorScheme().commandText(name)).concat(details));
      return table.toString().substring(headingLength);
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options,
        List<PositionalParamSpec> positionals, ColorScheme scheme) {
      int longOptions = calcLongOptionColumnWidth(options, positionals, scheme);
      Column[] columns =
          TextTable.forDefaultColumns(scheme, longOptions, usage().width()).columns();
      WordTable table = new WordTable(scheme, columns);
      table.setAdjustLineBreaksForWideCJKCharacters(usage().adjustLineBreaksForWideCJKCharacters());
      IOptionRenderer optionRenderer = createDefaultOptionRenderer();
      IParameterRenderer paramRenderer = createDefaultParameterRenderer();
      return new Layout(scheme, table,
          (option, labels, colors) -> joinDescriptionLines(optionRenderer.render(option, labels, colors)),
          (param, labels, colors) -> joinDescriptionLines(paramRenderer.render(param, labels, colors)));
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
      int width = usage().width();
      if (map == null || map.isEmpty()) {
        return table(new Column(10, 0, Column.Overflow.SPAN),
            new Column(width - 10, 0, Column.Overflow.WRAP));
      }
      int keyLength = Math.min(width - 4, maxLength(map.keySet()));
      WordTable table = table(new Column(keyLength + 3, 2, Column.Overflow.SPAN),
          new Column(width - (keyLength + 3), 2, Column.Overflow.WRAP));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        table.addRowValues(format(String.valueOf(e.getKey())), format(String.valueOf(e.getValue())));
      }
      return table;
    }

    @Override
    public String commandList(Map<String, CommandLine.Help> subcommands) {
      if (subcommands.isEmpty()) return "";
      int width = usage().width();
      int nameLength = Math.min(maxLength(subcommands.keySet()), width / 2);
      WordTable table = table(new Column(nameLength + 2, 2, Column.Overflow.SPAN),
          new Column(width - (nameLength + 2), 2, Column.Overflow.WRAP));
      for (Map.Entry<String, CommandLine.Help> e : subcommands.entrySet()) {
        CommandLine.Help help = e.getValue();
        UsageMessageSpec sub = help.commandSpec().usageMessage();
        String first = sub.header().length > 0 ? paragraphs(sub.header())[0]
            : sub.description().length > 0 ? paragraphs(sub.description())[0] : "";
        Text[] lines = colorScheme().text(format(first)).splitLines();
        for (int i = 0; i < lines.length; i++) {
          table.addRowValues(
              i == 0 ? help.commandNamesText(", ") : colorScheme().text(""), lines[i]);
        }
      }
      return table.toString();
    }

    private static int maxLength(Iterable<?> values) {
      int max = 0;
      for (Object v : values) max = Math.max(max, String.valueOf(v).length());
      return max;
    }
  }

  /**
   * A text table whose wrapping columns break lines at spaces only. Each line is cut here and
   * handed to picocli already short enough for its row, so picocli's own breaking never cuts
   * it; a word longer than a whole row is cut where the row ends, as picocli does.
   */
  static final class WordTable extends TextTable {
    WordTable(ColorScheme scheme, Column... columns) {
      super(scheme, columns);
    }

    @Override
    public Cell putValue(int row, int col, Text value) {
      Column column = columns()[col];
      if (value == null || column.overflow != Column.Overflow.WRAP) {
        return super.putValue(row, col, value);
      }
      String plain = value.plainString();
      int start = 0;
      int indent = column.indent;
      Cell cell = new Cell(col, row);
      while (true) {
        int room = Math.max(1, column.width - indent);
        int end;
        int next;
        if (plain.length() - start <= room) {
          end = plain.length();
          next = end;
        } else {
          int space = plain.lastIndexOf(' ', start + room);
          if (space > start && !plain.substring(start, space).isBlank()) {
            end = space;
          } else {
            end = start + room; // one word wider than the row
          }
          next = end;
          while (next < plain.length() && plain.charAt(next) == ' ') next++;
          while (end > start && plain.charAt(end - 1) == ' ') end--;
        }
        int saved = column.indent;
        column.indent = indent;
        try {
          cell = super.putValue(row, col, value.substring(start, end));
        } finally {
          column.indent = saved;
        }
        if (next >= plain.length()) return cell;
        start = next;
        addEmptyRow();
        row = rowCount() - 1;
        indent = column.indent + indentWrappedLines;
      }
    }
  }
}
