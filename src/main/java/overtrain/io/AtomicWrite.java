package overtrain.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way the program writes a file: whole or not at all. The bytes go to a temporary
 * file beside the target, are forced to disk, and the temporary file is renamed over the
 * target, so a reader (or a run resumed after {@code kill -9}) sees the old file or the new
 * one, never half of one.
 *
 * <p>The temporary file is created the way a plain write creates a file, so the result has
 * the permissions the umask gives (0644 under the usual 022), not the owner-only 0600 that
 * {@link Files#createTempFile} would leave: results are for whoever can read the folder.
 */
public final class AtomicWrite {

  /** Fills an output stream; may throw. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Fills a file channel (for bulk writes from buffers); may throw. */
  @FunctionalInterface
  public interface ChannelBody {
    void writeTo(FileChannel channel) throws IOException;
  }

  private AtomicWrite() {}

  /** Writes {@code target} with what {@code body} puts into the stream. */
  public static void write(Path target, Body body) throws IOException {
    try (Pending p = open(target)) {
      body.writeTo(p.stream());
      p.commit();
    }
  }

  /** Writes {@code target} with what {@code body} puts into the channel. */
  public static void writeChannel(Path target, ChannelBody body) throws IOException {
    try (Pending p = open(target)) {
      body.writeTo(p.channel());
      p.commit();
    }
  }

  /** Writes {@code text} as UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A file being written over time (a corpus streamed document by document): {@link
   * Pending#commit()} puts it in place; closing it uncommitted removes what was written.
   */
  public static Pending open(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve("." + target.getFileName() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
      try {
        return new Pending(target, tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 8) throw e;
      }
    }
  }

  /**
   * A fresh, empty folder beside {@code target} named {@code target.tmp-XXXX}, made with the
   * permissions a plain {@code mkdir} gives ({@link Files#createTempDirectory} would make it
   * owner-only); the caller fills it and renames it to {@code target}.
   */
  public static Path temporaryDirectory(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    for (int attempt = 0; ; attempt++) {
      Path dir = abs.resolveSibling(abs.getFileName() + ".tmp-"
          + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
      try {
        return Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 8) throw e;
      }
    }
  }

  /** A temporary file on its way to becoming {@code target}. */
  public static final class Pending implements Closeable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private OutputStream stream;
    private boolean done;

    private Pending(Path target, Path tmp, FileChannel channel) {
      this.target = target;
      this.tmp = tmp;
      this.channel = channel;
    }

    /** The channel to write to. */
    public FileChannel channel() {
      return channel;
    }

    /**
     * The file as a buffered stream. Closing it only flushes (libraries such as Jackson close
     * the stream they are given), so {@link #commit()} still has the file to force and rename.
     */
    public OutputStream stream() {
      if (stream == null) {
        stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
      }
      return stream;
    }

    /** Forces the bytes to disk and renames the file over the target. */
    public void commit() throws IOException {
      if (done) throw new IllegalStateException(target + ": already committed or abandoned");
      if (stream != null) stream.flush();
      channel.force(true);
      channel.close();
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    }

    /** Without {@link #commit()}, deletes the temporary file; the target is untouched. */
    @Override
    public void close() throws IOException {
      if (done) return;
      done = true;
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
