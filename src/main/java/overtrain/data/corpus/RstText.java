package overtrain.data.corpus;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes reStructuredText markup (Python's and the Linux kernel's documentation sources) while
 * keeping the prose and the code examples. Section underlines, comments, link targets and
 * directives whose bodies are not text (tables of contents, index entries, images, includes)
 * go; admonitions become a labelled paragraph ("Note: ..."); API descriptions keep their
 * signature; inline roles, literals, emphasis and links keep only their text. This is a
 * line-based approximation, not a parser: good enough for language-model text.
 */
public final class RstText {
  private static final Pattern ADORNMENT = Pattern.compile("^([=\\-~^\"'`#*+_.:<>])\\1{2,}\\s*$");
  private static final Pattern DIRECTIVE = Pattern.compile("^(\\s*)\\.\\.\\s+([\\w:.-]+)::\\s*(.*)$");
  private static final Pattern EXPLICIT = Pattern.compile("^(\\s*)\\.\\.(\\s.*)?$");
  private static final Pattern FOOTNOTE = Pattern.compile("^(\\s*)\\.\\.\\s+\\[[^\\]]+\\]\\s*(.*)$");
  private static final Pattern OPTION = Pattern.compile("^\\s+:[\\w -]+:.*$");
  private static final Set<String> DROP_BODY =
      Set.of("toctree", "index", "module", "currentmodule", "moduleauthor", "sectionauthor",
          "highlight", "image", "figure", "raw", "include", "literalinclude", "kernel-doc",
          "kernel-include", "kernel-abi", "kernel-feat", "tabularcolumns", "testsetup",
          "testcleanup", "only", "productionlist", "contents", "sectnum", "csv-table",
          "c:namespace", "c:namespace-push", "c:namespace-pop", "audit-event", "opcode",
          "default-role", "role", "program", "cssclass", "rst-class");
  private static final Set<String> ADMONITIONS =
      Set.of("note", "warning", "seealso", "important", "tip", "caution", "attention", "danger",
          "error", "hint", "impl-detail", "deprecated", "versionadded", "versionchanged",
          "deprecated-removed", "admonition", "topic", "rubric");
  private static final List<String> DESCRIPTIONS =
      List.of("function", "method", "class", "attribute", "data", "exception", "decorator",
          "macro", "member", "type", "var", "cmdoption", "option", "envvar", "describe",
          "struct", "enum", "enumerator", "union", "property", "coroutine");

  private static final Pattern RFC_OR_PEP = Pattern.compile(":(rfc|pep):`(\\d+)[^`]*`");
  private static final Pattern ROLE_WITH_TARGET = Pattern.compile(":[\\w:+.-]+:`([^`<]*?)\\s*<[^>`]*>`");
  private static final Pattern ROLE = Pattern.compile(":[\\w:+.-]+:`[~!]?([^`]*)`");
  private static final Pattern LITERAL = Pattern.compile("``(.+?)``");
  private static final Pattern LINK_WITH_TARGET = Pattern.compile("`([^`<]*?)\\s*<[^>`]*>`__?");
  private static final Pattern LINK = Pattern.compile("`([^`]+)`__?");
  private static final Pattern DEFAULT_ROLE = Pattern.compile("`([^`]+)`");
  private static final Pattern STRONG = Pattern.compile("\\*\\*(\\S(?:.*?\\S)?)\\*\\*");
  private static final Pattern EMPHASIS = Pattern.compile("(?<![\\w*\\\\])\\*(\\S(?:[^*]*?\\S)?)\\*(?![\\w*])");
  private static final Pattern FOOTNOTE_REF = Pattern.compile("\\s?\\[(?:#[\\w-]*|\\*|\\d+)\\]_");
  private static final Pattern SUBSTITUTION = Pattern.compile("\\|(\\w[\\w -]*)\\|_?");
  private static final Pattern TARGET_REF = Pattern.compile("(?<=[A-Za-z0-9])_(?=[\\s.,;:)]|$)");

  private RstText() {}

  public static String strip(String rst) {
    String[] lines = rst.replace("\r\n", "\n").split("\n", -1);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      if (ADORNMENT.matcher(line).matches() || line.strip().equals("::")) {
        i++;
        continue;
      }
      Matcher d = DIRECTIVE.matcher(line);
      Matcher f = FOOTNOTE.matcher(line);
      if (d.matches()) {
        int indent = d.group(1).length();
        String name = d.group(2).toLowerCase(Locale.ROOT);
        String args = d.group(3).strip();
        int end = blockEnd(lines, i + 1, indent);
        if (DROP_BODY.contains(name) || name.equals("replace") || name.startsWith("|")) {
          i = end;
          continue;
        }
        String label = ADMONITIONS.contains(name) ? admonition(name, args) : describes(name) ? args : "";
        if (!label.isEmpty()) out.append(d.group(1)).append(inline(label)).append('\n');
        i++;
        while (i < end && OPTION.matcher(lines[i]).matches()) i++;
        continue;
      }
      if (f.matches()) {
        out.append(f.group(1)).append(inline(f.group(2))).append('\n');
        i++;
        continue;
      }
      Matcher c = EXPLICIT.matcher(line);
      if (c.matches()) {
        // Comments, link targets and substitution definitions, with their indented bodies.
        i = blockEnd(lines, i + 1, c.group(1).length());
        continue;
      }
      String text = inline(line);
      if (text.endsWith("::")) text = text.substring(0, text.length() - 1);
      out.append(text).append('\n');
      i++;
    }
    return out.toString();
  }

  /** The first line at or after {@code from} that is not blank and not indented past {@code indent}. */
  private static int blockEnd(String[] lines, int from, int indent) {
    int i = from;
    int lastBody = from;
    while (i < lines.length) {
      String l = lines[i];
      if (!l.isBlank()) {
        if (indentOf(l) <= indent) break;
        lastBody = i + 1;
      }
      i++;
    }
    return Math.max(lastBody, from);
  }

  private static int indentOf(String line) {
    int n = 0;
    while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) n++;
    return n;
  }

  private static boolean describes(String name) {
    String bare = name.contains(":") ? name.substring(name.lastIndexOf(':') + 1) : name;
    return DESCRIPTIONS.contains(bare);
  }

  private static String admonition(String name, String args) {
    String label = switch (name) {
      case "versionadded" -> "New in version";
      case "versionchanged" -> "Changed in version";
      case "deprecated", "deprecated-removed" -> "Deprecated since version";
      case "seealso" -> "See also:";
      case "impl-detail" -> "CPython implementation detail:";
      case "admonition", "topic", "rubric" -> "";
      default -> Character.toUpperCase(name.charAt(0)) + name.substring(1) + ":";
    };
    return (label + " " + args).strip();
  }

  /** Inline markup to its text. */
  static String inline(String s) {
    if (s.indexOf('`') < 0 && s.indexOf('*') < 0 && s.indexOf('|') < 0 && s.indexOf(']') < 0
        && s.indexOf('_') < 0) {
      return s;
    }
    String t = RFC_OR_PEP.matcher(s).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT) + " " + m.group(2));
    t = ROLE_WITH_TARGET.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = ROLE.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = LITERAL.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = LINK_WITH_TARGET.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = LINK.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = DEFAULT_ROLE.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = STRONG.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = EMPHASIS.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = FOOTNOTE_REF.matcher(t).replaceAll("");
    t = SUBSTITUTION.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = TARGET_REF.matcher(t).replaceAll("");
    return t;
  }
}
