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
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.OptionSpec;

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

  private static void collect(CommandLine cl, List<CommandLine> into) {
    into.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) collect(sub, into);
  }
}
