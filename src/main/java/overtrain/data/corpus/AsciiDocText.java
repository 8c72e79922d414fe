package overtrain.data.corpus;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes AsciiDoc markup (git's documentation sources) while keeping the prose and the examples.
 * Preprocessor lines ({@code include::}, {@code ifdef::}...), attribute entries, comments, block
 * attribute and anchor lines, block delimiters, section underlines and list continuations go;
 * headings, block titles and definition-list terms keep their text; links, {@code linkgit:}
 * references and quoted text keep only their text, and a cross reference without text reads as
 * its anchor with spaces (the title it usually abbreviates). Listing and literal blocks and indented
 * (literal) paragraphs are kept as they are. A line-based approximation, not a parser.
 */
public final class AsciiDocText {
  private static final Pattern PREPROCESSOR = Pattern.compile("^(include|ifdef|ifndef|ifeval|endif)::.*\\[.*\\]\\s*$");
  private static final Pattern ATTRIBUTE_ENTRY = Pattern.compile("^:!?[\\w-]+!?:(\\s.*)?$");
  /** {@code [[anchor]]}, {@code [verse]}, {@code [NOTE]}, {@code [caption="..."]}: not {@code [--] [<path>]}. */
  private static final Pattern BLOCK_ATTRIBUTES = Pattern.compile("^\\[(\\[[^\\]]*\\]|[A-Za-z#.\"][^\\[\\]<>]*)\\]\\s*$");
  /** Delimiters of blocks whose lines are kept verbatim: listing, literal, passthrough. */
  private static final Pattern VERBATIM_DELIMITER = Pattern.compile("^(-{4,}|\\.{4,}|\\+{4,})\\s*$");
  /** Delimiters of blocks whose lines are ordinary text: example, sidebar, quote, open, table. */
  private static final Pattern DELIMITER = Pattern.compile("^(={4,}|\\*{4,}|_{4,}|--|\\|={3,}|~{4,}|\\^{4,})\\s*$");
  private static final Pattern UNDERLINE = Pattern.compile("^([=\\-~^+])\\1+\\s*$");
  private static final Pattern HEADING = Pattern.compile("^={1,6}\\s+(.+?)(\\s+={1,6})?\\s*$");
  private static final Pattern BLOCK_TITLE = Pattern.compile("^\\.([A-Za-z0-9].*)$");
  private static final Pattern LIST_ITEM = Pattern.compile("^([*-]+|\\.+|\\d+\\.|[a-z]\\.)\\s+\\S.*$");
  private static final Pattern TERM = Pattern.compile("^(\\S.*?)(:{2,4}|;;)\\s*$");

  private static final Pattern LINKGIT = Pattern.compile("linkgit:([\\w.{}-]+)\\[\\d+\\]");
  private static final Pattern XREF = Pattern.compile("<<([^,<>]+)(?:,\\s*([^<>]+))?>>");
  private static final Pattern URL_WITH_TEXT = Pattern.compile("(?:link:|(?=(?:https?|ftp|mailto):))(\\S+?)\\[([^\\]]*)\\]");
  private static final Pattern INLINE_ANCHOR = Pattern.compile("\\[\\[[^\\]]*\\]\\]|anchor:[\\w-]+\\[[^\\]]*\\]");
  private static final Pattern PASS = Pattern.compile("\\+\\+\\+(.+?)\\+\\+\\+|pass:\\w*\\[([^\\]]*)\\]");
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("``(.+?)''");
  private static final Pattern BACKTICKS = Pattern.compile("`([^`]+)`");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("(?<![\\w'])'(\\S(?:[^']*?\\S)?)'(?![\\w'])");
  private static final Pattern STRONG = Pattern.compile("(?<![\\w*])\\*(\\S(?:[^*]*?\\S)?)\\*(?![\\w*])");
  private static final Pattern PLUS_MONOSPACE = Pattern.compile("(?<![\\w+])\\+(\\S(?:[^+]*?\\S)?)\\+(?![\\w+])");
  private static final Pattern EMPHASIS = Pattern.compile("(?<![\\w_])_(\\S(?:[^_]*?\\S)?)_(?![\\w_])");
  private static final Pattern ATTRIBUTE_REF = Pattern.compile("\\{(\\w[\\w-]*)\\}");
  /** The character attributes git's asciidoc.conf defines and its pages use. */
  private static final Map<String, String> CHARACTERS = Map.of(
      "litdd", "--", "caret", "^", "tilde", "~", "startsb", "[", "endsb", "]", "plus", "+",
      "asterisk", "*", "empty", "", "apostrophe", "'", "backtick", "`");

  private AsciiDocText() {}

  public static String strip(String adoc) {
    String[] lines = adoc.replace("\r\n", "\n").split("\n");
    StringBuilder out = new StringBuilder();
    String verbatimUntil = null; // the delimiter that ends the listing or literal block we are in
    boolean comment = false;
    boolean inList = false; // in a definition list or a bulleted or numbered one
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String bare = line.strip();
      if (verbatimUntil != null) {
        if (bare.equals(verbatimUntil)) verbatimUntil = null;
        else out.append(line).append('\n');
        continue;
      }
      if (bare.equals("////") || (bare.length() > 4 && bare.chars().allMatch(c -> c == '/'))) {
        comment = !comment;
        continue;
      }
      if (comment || line.startsWith("//")) continue;
      if (isUnderline(lines, i)) continue;
      if (VERBATIM_DELIMITER.matcher(line).matches()) {
        verbatimUntil = bare;
        continue;
      }
      if (DELIMITER.matcher(line).matches() || bare.equals("+")
          || PREPROCESSOR.matcher(line).matches() || ATTRIBUTE_ENTRY.matcher(line).matches()
          || BLOCK_ATTRIBUTES.matcher(line).matches()) {
        continue;
      }
      if (!line.isEmpty() && Character.isWhitespace(line.charAt(0))) {
        // Indented text in a list is its items' text; elsewhere it is a literal paragraph.
        int indent = line.length() - line.stripLeading().length();
        String text = line.substring(indent);
        Matcher term = TERM.matcher(text);
        boolean isTerm = term.matches();
        if (isTerm) text = term.group(1);
        if (isTerm || LIST_ITEM.matcher(text).matches()) inList = true;
        out.append(inList ? line.substring(0, indent) + inline(text) : line).append('\n');
        continue;
      }
      if (TERM.matcher(line).matches() || LIST_ITEM.matcher(line).matches()) inList = true;
      else if (!line.isEmpty() && (i == 0 || lines[i - 1].isBlank())) inList = false;
      Matcher m;
      if ((m = HEADING.matcher(line)).matches()) line = m.group(1);
      else if (startsParagraph(lines, i) && (m = BLOCK_TITLE.matcher(line)).matches()) line = m.group(1);
      else if ((m = TERM.matcher(line)).matches()) line = m.group(1);
      if (line.startsWith("|")) line = line.substring(1).strip(); // a table cell
      out.append(inline(line)).append('\n');
    }
    return out.toString();
  }

  private static boolean startsParagraph(String[] lines, int i) {
    return i == 0 || lines[i - 1].isBlank() || BLOCK_ATTRIBUTES.matcher(lines[i - 1]).matches();
  }

  /**
   * A line of {@code =}, {@code -}, {@code ~}, {@code ^} or {@code +} under a title of about its
   * length that begins a paragraph (AsciiDoc's two-line headings); the same characters under the
   * last line of a paragraph open a listing block, as they do elsewhere.
   */
  private static boolean isUnderline(String[] lines, int i) {
    if (i == 0 || !UNDERLINE.matcher(lines[i]).matches()) return false;
    String title = lines[i - 1];
    if (title.isBlank() || Character.isWhitespace(title.charAt(0)) || UNDERLINE.matcher(title).matches()) return false;
    boolean titleStartsParagraph = startsParagraph(lines, i - 1) || lines[i - 2].startsWith("//");
    return titleStartsParagraph && Math.abs(title.strip().length() - lines[i].strip().length()) <= 2;
  }

  /** Inline markup to its text; what is in backticks is code and keeps its characters. */
  static String inline(String s) {
    String t = LINKGIT.matcher(s).replaceAll("$1");
    t = XREF.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(2) != null ? m.group(2).strip() : m.group(1).replace('-', ' ').replace('_', ' ')));
    t = URL_WITH_TEXT.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(2).isBlank() ? m.group(1) : m.group(2)));
    t = INLINE_ANCHOR.matcher(t).replaceAll("");
    t = PASS.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null ? m.group(1) : m.group(2)));
    t = DOUBLE_QUOTED.matcher(t).replaceAll(m -> Matcher.quoteReplacement("\"" + m.group(1) + "\""));
    StringBuilder out = new StringBuilder();
    Matcher code = BACKTICKS.matcher(t);
    int from = 0;
    while (code.find()) {
      out.append(quotes(t.substring(from, code.start()))).append(code.group(1));
      from = code.end();
    }
    out.append(quotes(t.substring(from)));
    return ATTRIBUTE_REF.matcher(out).replaceAll(m -> Matcher.quoteReplacement(CHARACTERS.getOrDefault(m.group(1), m.group())));
  }

  private static String quotes(String s) {
    String t = SINGLE_QUOTED.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = STRONG.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    t = PLUS_MONOSPACE.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    return EMPHASIS.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
  }
}
