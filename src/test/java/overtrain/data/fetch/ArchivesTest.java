package overtrain.data.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivesTest {
  @TempDir Path tmp;

  /** A tar of the given files (path to content), plus one symbolic link that must be skipped. */
  static byte[] tar(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var f : files.entrySet()) {
        byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry("link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("/etc/passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  static void writeTgz(Path file, Map<String, String> files) throws IOException {
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file))) {
      out.write(tar(files));
    }
  }

  /** A .deb as dpkg builds it: debian-binary, control.tar.xz, data.tar.xz in an ar archive. */
  static void writeDeb(Path file, Map<String, String> files) throws IOException {
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (OutputStream out = new XZCompressorOutputStream(xz)) {
      out.write(tar(files));
    }
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(Files.newOutputStream(file))) {
      member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      member(ar, "control.tar.xz", new byte[] {1, 2, 3});
      member(ar, "data.tar.xz", xz.toByteArray());
    }
  }

  private static void member(ArArchiveOutputStream ar, String name, byte[] data) throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, data.length));
    ar.write(data);
    ar.closeArchiveEntry();
  }

  @Test
  void unpacksNpmTarballAndSkipsLinks() throws IOException {
    Path tgz = tmp.resolve("p.tgz");
    writeTgz(tgz, Map.of("package/a/b.txt", "hello", "package/package.json", "{}"));
    Path out = tmp.resolve("out");
    Archives.untarGz(tgz, out);
    assertEquals("hello", Files.readString(out.resolve("package/a/b.txt")));
    assertEquals("{}", Files.readString(out.resolve("package/package.json")));
    assertFalse(Files.exists(out.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void unpacksDataTarXzOfDeb() throws IOException {
    Path deb = tmp.resolve("x.deb");
    writeDeb(deb, Map.of("./usr/share/doc/x/readme.rst", "Title\n=====\n"));
    Path out = tmp.resolve("root");
    Archives.unpackDeb(deb, out);
    assertEquals("Title\n=====\n", Files.readString(out.resolve("usr/share/doc/x/readme.rst")));
  }

  @Test
  void rejectsEntriesThatLeaveTheTarget() throws IOException {
    Path tgz = tmp.resolve("evil.tgz");
    writeTgz(tgz, Map.of("../escaped.txt", "x"));
    IOException e = assertThrows(IOException.class, () -> Archives.untarGz(tgz, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("escaped.txt")));
  }

  @Test
  void debWithoutDataMemberIsAnError() throws IOException {
    Path deb = tmp.resolve("empty.deb");
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(Files.newOutputStream(deb))) {
      member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
    }
    IOException e = assertThrows(IOException.class, () -> Archives.unpackDeb(deb, tmp.resolve("r")));
    assertTrue(e.getMessage().contains("no data.tar"), e.getMessage());
  }

  @Test
  void verifiedCacheIsReusedWithoutTheClient() throws IOException {
    // A cache folder as a finished fetch leaves it; reusing it must not run npm (tests are offline).
    Path tgz = tmp.resolve("p.tgz");
    writeTgz(tgz, Map.of("package/x.txt", "cached"));
    String integrity =
        "sha512-" + Base64.getEncoder().encodeToString(Packages.digest(tgz, "SHA-512"));
    Path dir = tmp.resolve("cache/npm/scope-pkg@1.0.0");
    Files.createDirectories(dir);
    Files.copy(tgz, dir.resolve("package.tgz"));
    Archives.untarGz(tgz, dir);
    Files.writeString(dir.resolve("FETCHED"), integrity + "\n");
    Packages.Fetched f = Packages.fetchNpm("@scope/pkg", "1.0.0", integrity, tmp.resolve("cache"));
    assertEquals(dir.resolve("package"), f.root());
    assertEquals("cached", Files.readString(f.root().resolve("x.txt")));
    assertEquals(Files.size(tgz), f.archiveBytes());
  }

  @Test
  void integrityMustBeSha512() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Packages.npm("x", "1.0.0", "sha1-abc", tmp));
    assertTrue(e.getMessage().contains("sha512"), e.getMessage());
  }
}
