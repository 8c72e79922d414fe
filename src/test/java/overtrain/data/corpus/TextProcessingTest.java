package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextProcessingTest {
  @Test
  void cleanerNormalisesUnicodeNewlinesAndBlankRuns() {
    String decomposed = "Cafe\u0301 \r\nline two  \r\rline\u0007 three\n\n\n\n\nend\uFEFF\n";
    assertEquals("Caf\u00e9\nline two\n\nline three\n\nend", TextCleaner.clean(decomposed));
    assertEquals("", TextCleaner.clean(" \n\t\r\n "));
  }

  @Test
  void decodesUtf8AndFallsBackToLatin1() {
    assertEquals("caf\u00e9", TextCleaner.decode("caf\u00e9".getBytes(StandardCharsets.UTF_8)));
    assertEquals("caf\u00e9", TextCleaner.decode("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void brownMarkupBecomesReadableProse() {
    String tagged = "\n\n\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at"
        + " investigation/nn of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd ``/`` no/at"
        + " evidence/nn ''/'' that/cs any/dti irregularities/nns took/vbd place/nn ./.\n\n\n"
        + "\tIt/pps cost/vbd 1/2/cd dollar/nn (/( or/cc less/ap )/) ,/, said/vbd Ivan/np Allen/np Jr./np ./.\n"
        + "\tThey/ppss didn't/dod* go/vb ;/. really/rb ?/.\n";
    assertEquals("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary"
        + " election produced \"no evidence\" that any irregularities took place.\n\n"
        + "It cost 1/2 dollar (or less), said Ivan Allen Jr. They didn't go; really?",
        BrownMarkup.strip(tagged));
  }

  @Test
  void rstMarkupIsRemovedButProseAndCodeStay() {
    String rst = String.join("\n",
        ":mod:`json` --- JSON encoder",
        "=============================",
        "",
        ".. module:: json",
        "   :synopsis: Encode and decode the JSON format.",
        "",
        ".. _json-intro:",
        "",
        "`JSON <https://json.org>`_ is specified by :rfc:`7159` and uses ``dumps`` and",
        ":func:`~json.loads`; see :ref:`the guide <guide>` and **bold** or *this* [#note]_.",
        "",
        ".. toctree::",
        "   :maxdepth: 2",
        "",
        "   intro.rst",
        "",
        ".. warning::",
        "   Be cautious.",
        "",
        ".. function:: dumps(obj, *, indent=None)",
        "   :noindex:",
        "",
        "   Serialize *obj*. Example::",
        "",
        "      >>> json.dumps(x * y, *args)",
        "",
        ".. SPDX-License-Identifier: GPL-2.0",
        "   continued comment",
        "Last line with __init__ and `target`_.");
    String text = RstText.strip(rst);
    assertEquals(String.join("\n",
        "json --- JSON encoder",
        "",
        "",
        "",
        "JSON is specified by RFC 7159 and uses dumps and",
        "json.loads; see the guide and bold or this.",
        "",
        "",
        "Warning:",
        "   Be cautious.",
        "",
        "dumps(obj, *, indent=None)",
        "",
        "   Serialize obj. Example:",
        "",
        "      >>> json.dumps(x * y, *args)",
        "",
        "Last line with __init__ and target.",
        ""), text);
  }

  @Test
  void longTextsSplitAtParagraphsAndShortOnesStayWhole() {
    assertEquals(List.of("short\n\ntext"), Chunker.split("short\n\ntext"));
    String paragraph = "x".repeat(9_000);
    String book = String.join("\n\n", java.util.Collections.nCopies(20, paragraph)); // 180 KB
    List<String> parts = Chunker.split(book);
    assertEquals(book, String.join("\n\n", parts), "parts must rejoin to the whole text");
    assertTrue(parts.size() > 1);
    for (String p : parts) {
      assertTrue(p.length() >= Chunker.TARGET_CHARS / 4 && p.length() <= Chunker.MAX_CHARS, "part of " + p.length());
      assertFalse(p.startsWith("\n") || p.endsWith("\n"));
    }
  }
}
