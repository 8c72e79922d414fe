package overtrain.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  void aWrittenFileHasThePermissionsOfAPlainWrite() throws IOException {
    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, "x");
    Path atomic = dir.resolve("atomic.txt");
    AtomicWrite.writeString(atomic, "x");
    assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(atomic)));
    Path plainDir = Files.createDirectory(dir.resolve("plain-dir"));
    Path tmpDir = AtomicWrite.temporaryDirectory(dir.resolve("run"));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(tmpDir));
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path file = dir.resolve("result.json");
    AtomicWrite.writeString(file, "old");
    assertThrows(IOException.class, () -> AtomicWrite.write(file, out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aStreamClosedByALibraryStillCommits() throws IOException {
    Path file = dir.resolve("a.txt");
    AtomicWrite.write(file, out -> {
      out.write('a');
      out.close();
    });
    assertEquals("a", Files.readString(file));
  }

  @Test
  void anUncommittedPendingFileIsRemoved() throws IOException {
    Path file = dir.resolve("corpus.jsonl");
    try (AtomicWrite.Pending p = AtomicWrite.open(file)) {
      p.stream().write(1);
    }
    assertFalse(Files.exists(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
