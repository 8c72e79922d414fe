package overtrain.data.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * The text of an HTML documentation page (PostgreSQL's DocBook output): block elements become
 * paragraphs separated by blank lines, {@code <pre>} keeps its lines exactly, a table row becomes
 * one line with its cells separated by {@code " | "}, and entities are decoded. What is not the
 * page's own text goes: the head, scripts and styles, the navigation header and footer that
 * every page repeats, and the tables of contents that only list other pages' titles.
 */
public final class HtmlText {
  private static final Set<String> BLOCKS = Set.of(
      "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
      "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
      "tbody", "tfoot", "tr", "caption", "figure", "figcaption", "hr", "form", "fieldset", "address",
      "center", "body", "html");
  private static final Set<String> DROPPED = Set.of("head", "script", "style", "noscript", "template");
  private static final Set<String> DROPPED_CLASSES =
      Set.of("navheader", "navfooter", "toc", "list-of-tables", "list-of-figures", "list-of-examples");

  private HtmlText() {}

  public static String strip(String html) {
    Text out = new Text();
    walk(Jsoup.parse(html).body(), out);
    out.endParagraph();
    return String.join("\n\n", out.paragraphs) + "\n";
  }

  private static void walk(Node node, Text out) {
    if (node instanceof TextNode t) {
      out.inline(t.getWholeText());
      return;
    }
    if (!(node instanceof Element e)) return; // comments, doctype
    String tag = e.normalName();
    if (DROPPED.contains(tag) || e.classNames().stream().anyMatch(DROPPED_CLASSES::contains)) return;
    switch (tag) {
      case "pre" -> {
        out.endParagraph();
        out.verbatim(e.wholeText());
        return;
      }
      case "br" -> {
        out.lineBreak();
        return;
      }
      case "td", "th" -> {
        if (e.elementSiblingIndex() > 0 && !out.current.isEmpty()) out.inline(" | ");
      }
      case "img" -> {
        out.inline(e.attr("alt"));
        return;
      }
      default -> { }
    }
    boolean block = BLOCKS.contains(tag);
    if (block) out.endParagraph();
    for (Node child : e.childNodes()) walk(child, out);
    if (block) out.endParagraph();
  }

  /** Paragraphs made so far, and the one being filled (whitespace in it collapsed as a browser does). */
  private static final class Text {
    final List<String> paragraphs = new ArrayList<>();
    final StringBuilder current = new StringBuilder();

    void inline(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean space = Character.isWhitespace(c) || c == '\u00A0';
        if (!space) current.append(c);
        else if (current.length() > 0 && current.charAt(current.length() - 1) != ' '
            && current.charAt(current.length() - 1) != '\n') {
          current.append(' ');
        }
      }
    }

    void lineBreak() {
      int n = current.length();
      while (n > 0 && current.charAt(n - 1) == ' ') n--;
      current.setLength(n);
      current.append('\n');
    }

    void endParagraph() {
      String p = current.toString().strip();
      if (!p.isEmpty()) paragraphs.add(p);
      current.setLength(0);
    }

    void verbatim(String pre) {
      String p = pre.replaceAll("^\\n+|\\s+$", "");
      if (!p.isBlank()) paragraphs.add(p);
    }
  }
}
