package overtrain.data.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Entities;

/**
 * Removes Perl's POD markup (perl-doc's {@code pod/*.pod}) while keeping the prose and the code
 * examples, following perlpodspec where it matters for the text: a document is paragraphs
 * separated by blank lines; text before the first command and after {@code =cut} is not POD;
 * headings and list items keep their text, other commands go, and so do {@code =for} paragraphs
 * and {@code =begin}/{@code =end} regions meant for formatters other than plain text; indented
 * (verbatim) paragraphs are kept exactly, since formatting codes are not interpreted there.
 * Formatting codes keep their text, links read as perldoc renders them ({@code "open" in
 * perlfunc}), index entries ({@code X<>}) and {@code Z<>} go.
 */
public final class PodText {
  private static final Pattern COMMAND = Pattern.compile("^=([a-zA-Z]\\w*)(?:[ \\t]+|\\n|$)");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private PodText() {}

  public static String strip(String pod) {
    String[] lines = pod.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<String> out = new ArrayList<>();
    boolean inPod = false;
    String dropUntilEnd = null; // the format of a =begin region being skipped
    int i = 0;
    while (i < lines.length) {
      if (lines[i].isBlank()) {
        i++;
        continue;
      }
      int start = i;
      while (i < lines.length && !lines[i].isBlank()) i++;
      String para = String.join("\n", Arrays.asList(lines).subList(start, i));
      Matcher c = COMMAND.matcher(para);
      if (!c.find()) {
        if (!inPod || dropUntilEnd != null) continue;
        out.add(Character.isWhitespace(para.charAt(0)) ? para : inline(para));
        continue;
      }
      String name = c.group(1);
      String arg = para.substring(c.end()).strip();
      inPod = !name.equals("cut");
      if (dropUntilEnd != null) {
        if (name.equals("end") && firstWord(arg).equals(dropUntilEnd)) dropUntilEnd = null;
        continue;
      }
      switch (name) {
        case "head1", "head2", "head3", "head4", "head5", "head6" -> addText(out, arg);
        case "item" -> addText(out, itemText(arg));
        case "begin" -> {
          if (!isText(firstWord(arg))) dropUntilEnd = firstWord(arg);
        }
        case "for" -> {
          String format = firstWord(arg);
          if (isText(format)) addText(out, arg.substring(format.length()).strip());
        }
        default -> { } // =over, =back, =pod, =cut, =encoding, =end of a kept region, unknown ones
      }
    }
    return String.join("\n\n", out) + "\n";
  }

  private static void addText(List<String> out, String text) {
    String t = WHITESPACE.matcher(inline(text)).replaceAll(" ").strip();
    if (!t.isEmpty()) out.add(t);
  }

  /** An item's text without its bullet: a lone {@code *} (or {@code *} before text) is layout. */
  private static String itemText(String arg) {
    if (arg.equals("*")) return "";
    if (arg.startsWith("* ") || arg.startsWith("*\t") || arg.startsWith("*\n")) return arg.substring(2);
    return arg;
  }

  private static boolean isText(String format) {
    String f = format.startsWith(":") ? format.substring(1) : format;
    return f.equalsIgnoreCase("text");
  }

  private static String firstWord(String s) {
    int n = 0;
    while (n < s.length() && !Character.isWhitespace(s.charAt(n))) n++;
    return s.substring(0, n);
  }

  /** Formatting codes to their text. */
  static String inline(String s) {
    if (s.indexOf('<') < 0) return s;
    return new Codes(s).parse(0, false).text();
  }

  /**
   * A recursive reader of formatting codes: a capital letter then {@code <} opens one that the
   * first unmatched {@code >} closes; a letter then two or more {@code <} and whitespace opens
   * one that whitespace and as many {@code >} close, and single angle brackets inside it are text.
   */
  private static final class Codes {
    /** What a code holds: for a link, its text and, after a {@code |}, its target (else null). */
    record Read(String text, String target) {}

    final String s;
    int pos;

    Codes(String s) {
      this.s = s;
    }

    /** Reads up to the closer of a code opened with {@code depth} angle brackets (0: the end). */
    Read parse(int depth, boolean link) {
      StringBuilder text = new StringBuilder();
      StringBuilder target = null;
      while (pos < s.length()) {
        char ch = s.charAt(pos);
        if (depth == 1 && ch == '>') {
          pos++;
          break;
        }
        if (depth > 1 && Character.isWhitespace(ch)) {
          int e = pos;
          while (e < s.length() && Character.isWhitespace(s.charAt(e))) e++;
          if (s.startsWith(">".repeat(depth), e)) {
            pos = e + depth;
            break;
          }
        }
        StringBuilder to = target == null ? text : target;
        if (ch >= 'A' && ch <= 'Z' && pos + 1 < s.length() && s.charAt(pos + 1) == '<') {
          pos += 2;
          int open = 1;
          int e = pos;
          while (e < s.length() && s.charAt(e) == '<') e++;
          if (e > pos && e < s.length() && Character.isWhitespace(s.charAt(e))) {
            open += e - pos;
            pos = e;
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
          }
          to.append(code(ch, parse(open, ch == 'L')));
        } else if (ch == '|' && link && target == null) {
          target = new StringBuilder();
          pos++;
        } else {
          to.append(ch);
          pos++;
        }
      }
      return new Read(text.toString(), target == null ? null : target.toString());
    }

    /** One code's text, from what {@link #parse} read inside it. */
    private static String code(char letter, Read inner) {
      return switch (letter) {
        case 'X', 'Z' -> "";
        case 'E' -> escape(inner.text().strip());
        case 'L' -> inner.target() == null ? link(inner.text())
            : inner.text().isBlank() ? link(inner.target()) : inner.text();
        default -> inner.text();
      };
    }

    /** A link without text, as perldoc shows it: a name, {@code "section" in name}, or a URL. */
    private static String link(String target) {
      String t = target.strip();
      if (t.matches("^[a-zA-Z][\\w+.-]*:[^:\\s]\\S*$")) return t; // a URL
      int slash = t.indexOf('/');
      if (slash < 0) return unquote(t);
      String name = t.substring(0, slash).strip();
      String section = unquote(t.substring(slash + 1).strip());
      return name.isEmpty() ? "\"" + section + "\"" : "\"" + section + "\" in " + name;
    }

    private static String unquote(String s) {
      return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** {@code E<...>}: the four POD names, numbers (decimal, 0x hex, 0 octal), then HTML's names. */
    private static String escape(String name) {
      String named = switch (name) {
        case "lt" -> "<";
        case "gt" -> ">";
        case "sol" -> "/";
        case "verbar" -> "|";
        default -> null;
      };
      if (named != null) return named;
      try {
        int cp;
        if (name.toLowerCase(Locale.ROOT).startsWith("0x")) cp = Integer.parseInt(name.substring(2), 16);
        else if (name.startsWith("0") && name.length() > 1) cp = Integer.parseInt(name.substring(1), 8);
        else cp = Integer.parseInt(name);
        if (Character.isValidCodePoint(cp)) return new String(Character.toChars(cp));
      } catch (NumberFormatException e) {
        // not a number: a name
      }
      if (Entities.isNamedEntity(name)) return Entities.getByName(name);
      return "E<" + name + ">";
    }
  }
}
