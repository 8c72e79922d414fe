package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

class HelpTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpFollowsTheWholePathToANestedCommand() {
    Run r = run("help", "data", "fetch");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("Usage: overtrain data fetch"), r.out());
    assertTrue(r.out().contains("--with-docs"), r.out());
    assertTrue(r.out().contains("--heldout-fraction"), r.out());
    // Not data's own help, which lists its commands.
    assertFalse(r.out().contains("Commands:"), r.out());
    assertEquals(run("data", "fetch", "--help").out(), r.out());
  }

  @Test
  void helpOfOneLevelAndOfNothingStillWork() {
    Run data = run("help", "data");
    assertEquals(0, data.exit(), data.err());
    assertTrue(data.out().startsWith("Usage: overtrain data"), data.out());
    assertTrue(data.out().contains("fetch") && data.out().contains("import"), data.out());
    Run root = run("help");
    assertEquals(0, root.exit(), root.err());
    assertTrue(root.out().startsWith("Usage: overtrain"), root.out());
  }

  @Test
  void anUnknownCommandInThePathIsNamed() {
    Run r = run("help", "data", "nope");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("'data' has no command 'nope'"), r.err());
    assertTrue(r.err().contains("fetch, import"), r.err());
  }

  /**
   * Every command's help fits its width and breaks lines only between words: each word of a
   * command's description and of its options' descriptions comes out whole ("result.json", not
   * "result." and "json" on two lines, as the JDK's line breaker would have it).
   */
  @Test
  void everyCommandsHelpWrapsAtSpaces() {
    List<CommandLine> all = new ArrayList<>();
    collect(Main.commandLine(), all);
    assertTrue(all.size() > 10, "commands found: " + all.size());
    for (CommandLine cl : all) {
      String name = cl.getCommandSpec().qualifiedName();
      String help = cl.getUsageMessage(Ansi.OFF);
      int width = cl.getCommandSpec().usageMessage().width();
      for (String line : help.split("\\R")) {
        assertTrue(line.length() <= width, name + ": line wider than " + width + ": " + line);
      }
      Set<String> rendered = new HashSet<>(Arrays.asList(help.split("\\s+")));
      List<String> texts = new ArrayList<>(Arrays.asList(cl.getCommandSpec().usageMessage().description()));
      for (OptionSpec o : cl.getCommandSpec().options()) texts.addAll(Arrays.asList(o.description()));
      for (String text : texts) {
        for (String word : text.split("\\s+")) {
          // Variables and format specifiers are replaced when rendered.
          if (word.isEmpty() || word.contains("${") || word.contains("%")) continue;
          assertTrue(rendered.contains(word), name + ": '" + word + "' was cut in the help:\n" + help);
        }
      }
    }
  }

  @Test
  void handWrappedLinesAreJoinedIntoParagraphs() {
    String[] joined = Main.WordWrappingHelp.paragraphs(new String[] {
        "Time steps on random", "tokens and print tokens/s.", "Threads: N", "(default 2).", "",
        "Blank lines stay:", "a heading keeps its own line."});
    assertEquals(List.of("Time steps on random tokens and print tokens/s.", "Threads: N (default 2).",
        "", "Blank lines stay:", "a heading keeps its own line."), Arrays.asList(joined));
  }

  /**
   * A command's description is wrapped to the width, not where a hand-wrapped string happened
   * to end: within a paragraph no line ends while the next line's first word would still fit.
   */
  @Test
  void descriptionsFillTheirLines() {
    List<CommandLine> all = new ArrayList<>();
    collect(Main.commandLine(), all);
    for (CommandLine cl : all) {
      String help = cl.getUsageMessage(Ansi.OFF);
      int width = cl.getCommandSpec().usageMessage().width();
      String[] lines = help.split("\\R");
      int i = 1;
      while (i < lines.length && lines[i].startsWith(" ")) i++; // the synopsis's continuation
      for (; i + 1 < lines.length && !lines[i + 1].startsWith(" "); i++) {
        String line = lines[i], next = lines[i + 1];
        if (line.isBlank() || next.isBlank() || !Main.WordWrappingHelp.continues(line)) continue;
        String word = next.strip().split("\\s+")[0];
        assertTrue(line.length() + 1 + word.length() > width, cl.getCommandSpec().qualifiedName()
            + ": '" + word + "' would fit on the line before it:\n" + line + "\n" + next);
      }
    }
  }

  private static void collect(CommandLine cl, List<CommandLine> into) {
    into.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) collect(sub, into);
  }
}
