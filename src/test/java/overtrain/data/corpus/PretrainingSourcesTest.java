package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package readers, on folders laid out as the pinned packages are (no network). */
class PretrainingSourcesTest {
  @TempDir Path tmp;

  private PretrainingSources.Source source(List<PretrainingSources.Source> list, String name) {
    return list.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private List<String[]> read(PretrainingSources.Source s, Path root) throws IOException {
    Path out = tmp.resolve("out-" + s.name());
    try (CorpusWriter w = new CorpusWriter(out, new HeldOutSplit(0, 0))) {
      w.beginSource(Map.of("name", s.name()));
      s.reader().read(root, w);
      w.finish(Map.of());
    }
    ObjectMapper json = new ObjectMapper();
    return Files.readAllLines(out.resolve("train.jsonl")).stream().map(l -> {
      try {
        var n = json.readTree(l);
        return new String[] {n.get("id").asText(), n.get("text").asText()};
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  @Test
  void gutenbergReadsBooksOnlyAndDecodesLatin1() throws IOException {
    Path root = tmp.resolve("package");
    Files.createDirectories(root.resolve("gutenberg"));
    Files.write(root.resolve("gutenberg/shakespeare-caesar.txt"), "C\u00e6sar".getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(root.resolve("gutenberg/README"), "not a book");
    List<String[]> docs = read(source(PretrainingSources.PROSE, "gutenberg"), root);
    assertEquals(1, docs.size());
    assertEquals("gutenberg/shakespeare-caesar", docs.get(0)[0]);
    assertEquals("C\u00e6sar", docs.get(0)[1]);
  }

  @Test
  void brownNeedsItsFiveHundredSamplesAndSkipsTheIndexFiles() throws IOException {
    Path root = tmp.resolve("brown");
    Files.createDirectories(root);
    Files.writeString(root.resolve("cats.txt"), "ca01 news\n");
    Files.writeString(root.resolve("ca01"), "\n\n\tHello/uh ,/, world/nn ./.\n");
    IOException e = assertThrows(IOException.class, () -> read(source(PretrainingSources.PROSE, "brown"), root));
    assertTrue(e.getMessage().contains("expected 500 Brown samples, found 1"), e.getMessage());
    String genres = "abcdefghjklmnpr"; // the 15 genre letters Brown uses
    int made = 1;
    for (int g = 0; g < genres.length() && made < 500; g++) {
      for (int i = 1; i <= 99 && made < 500; i++) {
        Path p = root.resolve(String.format("c%c%02d", genres.charAt(g), i));
        if (Files.exists(p)) continue;
        Files.writeString(p, "\tSample/nn " + p.getFileName() + "/np ./.\n");
        made++;
      }
    }
    List<String[]> docs = read(source(PretrainingSources.PROSE, "brown"), root);
    assertEquals(500, docs.size());
    assertEquals("brown/ca01", docs.get(0)[0]);
    assertEquals("Hello, world.", docs.get(0)[1]);
  }

  @Test
  void linuxDocsLeaveOutTranslationsAndReadGzip() throws IOException {
    Path docs = tmp.resolve("root/usr/share/doc/linux-doc-6.1/Documentation");
    Files.createDirectories(docs.resolve("process"));
    Files.createDirectories(docs.resolve("translations/it_IT"));
    gz(docs.resolve("process/howto.rst.gz"), "HOWTO\n=====\n\nRead ``this``.\n");
    gz(docs.resolve("translations/it_IT/howto.rst.gz"), "Come fare\n");
    List<String[]> out = read(source(PretrainingSources.DOCS, "linux-doc"), tmp.resolve("root"));
    assertEquals(1, out.size());
    assertEquals("linux-doc/process/howto", out.get(0)[0]);
    assertEquals("HOWTO\n\nRead this.", out.get(0)[1]);
  }

  @Test
  void perlDocsLeaveOutTheGeneratedTableOfContents() throws IOException {
    Path pod = tmp.resolve("root/usr/share/perl/5.36.0/pod");
    Files.createDirectories(pod);
    Files.writeString(pod.resolve("perlintro.pod"), "=head1 NAME\n\nperlintro - B<Perl>\n");
    Files.writeString(pod.resolve("perltoc.pod"), "=head1 NAME\n\nperltoc - contents\n");
    List<String[]> out = read(source(PretrainingSources.DOCS, "perl-doc"), tmp.resolve("root"));
    assertEquals(1, out.size());
    assertEquals("perl-doc/perlintro", out.get(0)[0]);
    assertEquals("NAME\n\nperlintro - Perl", out.get(0)[1]);
  }

  @Test
  void postgresqlDocsLeaveOutTheBookIndex() throws IOException {
    Path html = tmp.resolve("root/usr/share/doc/postgresql-doc-15/html");
    Files.createDirectories(html);
    Files.writeString(html.resolve("tutorial.html"), "<div class=\"navheader\">Prev</div><p>Tables &amp; rows.</p>");
    Files.writeString(html.resolve("bookindex.html"), "<p>abs, Mathematical Functions</p>");
    Files.writeString(html.resolve("stylesheet.css"), "body { }");
    List<String[]> out = read(source(PretrainingSources.DOCS, "postgresql-doc"), tmp.resolve("root"));
    assertEquals(1, out.size());
    assertEquals("postgresql-doc/tutorial", out.get(0)[0]);
    assertEquals("Tables & rows.", out.get(0)[1]);
  }

  @Test
  void gitDocsReadSubfoldersWithTheirPathInTheId() throws IOException {
    Path doc = tmp.resolve("root/usr/share/doc/git-doc");
    Files.createDirectories(doc.resolve("howto"));
    Files.writeString(doc.resolve("git-add.txt"), "git-add(1)\n==========\n\nSee linkgit:git-commit[1].\n");
    Files.writeString(doc.resolve("howto/new-command.txt"), "How to integrate new subcommands\n");
    Files.writeString(doc.resolve("git-add.html"), "<p>rendered</p>");
    List<String[]> out = read(source(PretrainingSources.DOCS, "git-doc"), tmp.resolve("root"));
    assertEquals(List.of("git-doc/git-add", "git-doc/howto/new-command"), out.stream().map(d -> d[0]).toList());
    assertEquals("git-add(1)\n\nSee git-commit.", out.get(0)[1]);
  }

  private static void gz(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
