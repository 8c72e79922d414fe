package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
  @Test
  void blocksBecomeParagraphsAndNavigationGoes() {
    String html = "<?xml version=\"1.0\"?><html><head><title>2.2. Concepts</title>"
        + "<style>body { color: red }</style><script>var x = 1;</script></head><body>"
        + "<div class=\"navheader\"><table><tr><td><a href=\"a.html\">Prev</a></td>"
        + "<td><a href=\"b.html\">Next</a></td></tr></table><hr/></div>"
        + "<div class=\"sect1\"><h2 class=\"title\">2.2.\u00a0Concepts</h2><p>\n"
        + "    <a id=\"id-1\" class=\"indexterm\"></a>\n"
        + "    <span class=\"productname\">PostgreSQL</span> is a <em class=\"firstterm\">relational\n"
        + "    database</em> (<acronym>RDBMS</acronym>).\n   </p>"
        + "<div class=\"toc\"><dl><dt>2.2.1. <a href=\"c.html\">Tables</a></dt></dl></div>"
        + "<ul><li><p>One</p></li><li>Two<br/>lines</li></ul></div>"
        + "<div class=\"navfooter\"><hr/><table><tr><td>Home</td></tr></table></div></body></html>";
    assertEquals("2.2. Concepts\n\nPostgreSQL is a relational database (RDBMS).\n\nOne\n\nTwo\nlines\n",
        HtmlText.strip(html));
  }

  @Test
  void entitiesAreDecoded() {
    assertEquals("a < b && c > d, caf\u00e9 \u2014 \u00a9 &lt; \"quoted\"\n",
        HtmlText.strip("<p>a &lt; b &amp;&amp; c &gt; d, caf&eacute; &mdash; &#169; &amp;lt; &quot;quoted&quot;</p>"));
  }

  @Test
  void preformattedTextKeepsItsLinesAndSpaces() {
    String html = "<p>Example:</p><pre class=\"programlisting\">\nSELECT *\n  FROM t\n WHERE a &lt; 1;\n\n"
        + "<code>-- a</code>   <em>comment</em>\n</pre><p>After.</p>";
    assertEquals("Example:\n\nSELECT *\n  FROM t\n WHERE a < 1;\n\n-- a   comment\n\nAfter.\n", HtmlText.strip(html));
  }

  @Test
  void tableRowsBecomeLinesOfCells() {
    String html = "<table><thead><tr><th>Name</th><th>Size</th></tr></thead>"
        + "<tbody><tr><td><code>smallint</code></td><td>2 bytes</td></tr>"
        + "<tr><td></td><td>only second</td></tr></tbody></table>";
    assertEquals("Name | Size\n\nsmallint | 2 bytes\n\nonly second\n", HtmlText.strip(html));
  }
}
