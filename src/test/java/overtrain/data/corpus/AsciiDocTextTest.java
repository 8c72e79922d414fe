package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AsciiDocTextTest {
  private static String adoc(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void headingsKeepTheirTextAndMarkupLinesGo() {
    String in = adoc(
        "git-add(1)",
        "==========",
        ":doctype: manpage",
        "include::../common.txt[]",
        "ifdef::git-asciidoc[]",
        "",
        "NAME",
        "----",
        "git-add - Add file contents to the index",
        "endif::git-asciidoc[]",
        "",
        "[[options]]",
        "== Options and more ==",
        "",
        "[NOTE]",
        ".A block title",
        "====",
        "Inside an example block.",
        "====",
        "+",
        "// a comment",
        "////",
        "a comment block",
        "////",
        "After.");
    assertEquals(adoc(
        "git-add(1)", "", "NAME", "git-add - Add file contents to the index", "", "Options and more", "",
        "A block title", "Inside an example block.", "After."), AsciiDocText.strip(in));
  }

  @Test
  void inlineMarkupKeepsItsText() {
    String in = adoc(
        "See linkgit:git-commit[1] and <<def_commit,commits>> or <<repositories-and-branches>>;",
        "run `git add *.c` and `*.h`, the 'git add' command, *bold*, _emphasis_ and ``quoted''.",
        "Visit https://git-scm.com/[the site] or link:howto/new-command.html[a howto];",
        "don't touch users' apostrophes, snake_case_names or 2*3*4; git-{litdd}help and HEAD{caret};",
        "+git psuh+ in old monospace, but C++ and a + b stay.");
    assertEquals(adoc(
        "See git-commit and commits or repositories and branches;",
        "run git add *.c and *.h, the git add command, bold, emphasis and \"quoted\".",
        "Visit the site or a howto;",
        "don't touch users' apostrophes, snake_case_names or 2*3*4; git---help and HEAD^;",
        "git psuh in old monospace, but C++ and a + b stay."),
        AsciiDocText.strip(in));
  }

  @Test
  void listingBlocksAndLiteralParagraphsStayAsTheyAre() {
    String in = adoc(
        "Example:",
        "",
        "------------------------------------------------",
        "$ git log --format='%h %s' linkgit:x[1]",
        "[core]",
        "------------------------------------------------",
        "",
        "    $ git commit -m 'literal paragraph'",
        "",
        "After `code`.");
    assertEquals(adoc(
        "Example:", "", "$ git log --format='%h %s' linkgit:x[1]", "[core]", "",
        "    $ git commit -m 'literal paragraph'", "", "After code."), AsciiDocText.strip(in));
  }

  @Test
  void aDelimiterUnderTheLastLineOfAParagraphOpensABlockRatherThanUnderliningATitle() {
    String in = adoc(
        "However, this is *NOT* allowed where the",
        "'stuck' form must be used:",
        "----------------------------",
        "$ git describe --abbrev 'x' HEAD",
        "----------------------------",
        "",
        "See linkgit:git-web{litdd}browse[1].");
    assertEquals(adoc(
        "However, this is NOT allowed where the", "stuck form must be used:",
        "$ git describe --abbrev 'x' HEAD", "", "See git-web--browse."), AsciiDocText.strip(in));
  }

  @Test
  void definitionTermsLoseTheirColonsAndTheirIndentedBodiesAreText() {
    String in = adoc(
        "-n::",
        "--dry-run::",
        "\tDon't actually add the file(s); see linkgit:git-status[1].",
        "+",
        "More about `--dry-run`.",
        "",
        "|===",
        "| Cell one | cell two",
        "|===");
    assertEquals(adoc(
        "-n", "--dry-run", "\tDon't actually add the file(s); see git-status.", "More about --dry-run.", "",
        "Cell one | cell two"), AsciiDocText.strip(in));
  }

  @Test
  void indentedItemsOfListsAreTextButOtherIndentedParagraphsAreLiteral() {
    String in = adoc(
        "--bitmap::",
        "	Writes a bitmap.",
        "",
        "	--stdin-packs::",
        "		Reads `packs` from stdin.",
        "",
        "- A bullet that goes on",
        "  to a second line with linkgit:git-am[1].",
        "  1. A nested item with `code`.",
        "",
        "A paragraph.",
        "",
        "  $ git log --format='%s'");
    assertEquals(adoc(
        "--bitmap", "\tWrites a bitmap.", "", "\t--stdin-packs", "\t\tReads packs from stdin.", "",
        "- A bullet that goes on", "  to a second line with git-am.", "  1. A nested item with code.", "",
        "A paragraph.", "", "  $ git log --format='%s'"), AsciiDocText.strip(in));
  }
}
