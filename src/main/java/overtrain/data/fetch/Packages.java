package overtrain.data.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * Fetches pinned packages through their registries' own clients ({@code npm pack}, {@code
 * apt-get download}), checks them, and unpacks them into a cache folder.
 *
 * <p>Each package gets its own folder under the cache, built in a temporary sibling and renamed
 * into place only once it is verified and unpacked, with a {@code FETCHED} marker holding the
 * checksum. A later call finds the marker and reuses the folder, so fetching is idempotent and an
 * interrupted fetch leaves nothing that looks finished.
 */
public final class Packages {
  private static final String MARKER = "FETCHED";
  private static final long CLIENT_TIMEOUT_MINUTES = 20;

  private Packages() {}

  /**
   * What a fetch produced: the unpacked root, the version fetched (the candidate's, when none was
   * asked for), the checksum that was checked ({@code sha512-...} for npm, the .deb's sha256 for
   * Debian) and the archive's size in bytes.
   */
  public record Fetched(Path root, String version, String checksum, long archiveBytes) {}

  /**
   * The npm package {@code name@version}, checked against {@code integrity} (npm's {@code
   * sha512-<base64>}); returns its unpacked {@code package/} folder.
   */
  public static Path npm(String name, String version, String integrity, Path cache) throws IOException {
    return fetchNpm(name, version, integrity, cache).root();
  }

  /**
   * The Debian package {@code name} at {@code version} (null: apt's candidate), checked against
   * the sha256 apt's package lists give for it; returns the root of its unpacked data.tar.
   */
  public static Path debian(String name, String version, Path cache) throws IOException {
    return fetchDebian(name, version, cache).root();
  }

  /** Like {@link #npm} but also says what was checked, for manifests. */
  public static Fetched fetchNpm(String name, String version, String integrity, Path cache)
      throws IOException {
    if (!integrity.startsWith("sha512-")) {
      throw new IllegalArgumentException(name + "@" + version + ": integrity must be npm's sha512-<base64>, got " + integrity);
    }
    String spec = name + "@" + version;
    Path dir = cache.resolve("npm").resolve(safe(name) + "@" + version);
    Path tgz = dir.resolve("package.tgz");
    if (integrity.equals(marker(dir))) {
      return new Fetched(dir.resolve("package"), version, integrity, Files.size(tgz));
    }
    build(dir, integrity, tmp -> {
      String out = run(tmp, "npm", "pack", spec, "--json");
      JsonNode packed;
      try {
        packed = Json.MAPPER.readTree(out);
      } catch (IOException e) {
        throw new IOException("npm pack " + spec + ": expected JSON on stdout, got: " + abbreviate(out));
      }
      JsonNode filename = packed.path(0).path("filename");
      if (!filename.isTextual()) {
        throw new IOException("npm pack " + spec + ": no \"filename\" in its JSON: " + abbreviate(out));
      }
      Path packedFile = tmp.resolve(filename.asText());
      String actual = "sha512-" + Base64.getEncoder().encodeToString(digest(packedFile, "SHA-512"));
      if (!actual.equals(integrity)) {
        throw new IOException(spec + ": integrity mismatch: pinned " + integrity + ", fetched " + actual);
      }
      Files.move(packedFile, tmp.resolve("package.tgz"));
      Path unpacked = tmp.resolve("unpacked");
      Archives.untarGz(tmp.resolve("package.tgz"), unpacked);
      if (!Files.isDirectory(unpacked.resolve("package"))) {
        throw new IOException(spec + ": tarball has no package/ folder");
      }
      Files.move(unpacked.resolve("package"), tmp.resolve("package"));
      Files.delete(unpacked);
    });
    return new Fetched(dir.resolve("package"), version, integrity, Files.size(tgz));
  }

  /** Like {@link #debian} but also says which version and sha256 it got, for manifests. */
  public static Fetched fetchDebian(String name, String version, Path cache) throws IOException {
    if (version != null) {
      // A pinned version already fetched needs no package lists: it was checked when fetched.
      Path dir = debianDir(cache, name, version);
      String checked = marker(dir);
      if (checked != null) {
        return new Fetched(dir.resolve("root"), version, checked, Files.size(dir.resolve("package.deb")));
      }
    }
    AptRecord rec = aptRecord(name, version, cache);
    Path dir = debianDir(cache, name, rec.version());
    if (rec.sha256().equals(marker(dir))) {
      return new Fetched(dir.resolve("root"), rec.version(), rec.sha256(), Files.size(dir.resolve("package.deb")));
    }
    build(dir, rec.sha256(), tmp -> {
      run(tmp, "apt-get", "download", name + "=" + rec.version());
      List<Path> debs;
      try (Stream<Path> s = Files.list(tmp)) {
        debs = s.filter(p -> p.getFileName().toString().endsWith(".deb")).toList();
      }
      if (debs.size() != 1) {
        throw new IOException("apt-get download " + name + "=" + rec.version() + ": expected one .deb in " + tmp + ", found " + debs.size());
      }
      String actual = HexFormat.of().formatHex(digest(debs.get(0), "SHA-256"));
      if (!actual.equals(rec.sha256())) {
        throw new IOException(name + "=" + rec.version() + ": sha256 mismatch: apt lists " + rec.sha256() + ", fetched " + actual);
      }
      Files.move(debs.get(0), tmp.resolve("package.deb"));
      Archives.unpackDeb(tmp.resolve("package.deb"), tmp.resolve("root"));
    });
    return new Fetched(dir.resolve("root"), rec.version(), rec.sha256(), Files.size(dir.resolve("package.deb")));
  }

  private static Path debianDir(Path cache, String name, String version) {
    return cache.resolve("debian").resolve(safe(name) + "_" + safe(version));
  }

  private record AptRecord(String version, String sha256) {}

  /**
   * The version and sha256 apt's package lists hold for {@code name} (at {@code version}, or the
   * candidate). Lists that do not know the package are refreshed once with {@code apt-get update}
   * (said on stderr) before giving up.
   */
  private static AptRecord aptRecord(String name, String version, Path cache) throws IOException {
    String spec = version == null ? name : name + "=" + version;
    for (int attempt = 0; ; attempt++) {
      Files.createDirectories(cache);
      Result r = exec(cache, "apt-cache", "show", "--no-all-versions", spec);
      String v = field(r.out, "Version"), sha = field(r.out, "SHA256");
      if (r.code == 0 && v != null && sha != null) return new AptRecord(v, sha);
      if (attempt == 1) {
        throw new IOException("apt does not know " + spec + " (apt-cache show: " + abbreviate(r.err.isBlank() ? r.out : r.err) + ")");
      }
      System.err.println("apt's package lists do not know " + spec + ": running apt-get update once");
      run(cache, "apt-get", "update");
    }
  }

  private static String field(String control, String key) {
    for (String line : control.split("\n")) {
      if (line.startsWith(key + ": ")) return line.substring(key.length() + 2).trim();
    }
    return null;
  }

  private static String marker(Path dir) throws IOException {
    Path m = dir.resolve(MARKER);
    return Files.isRegularFile(m) ? Files.readString(m, StandardCharsets.UTF_8).trim() : null;
  }

  /** An empty temporary folder next to {@code dir}, on the same file system so it can be renamed. */
  private static Path fresh(Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    return AtomicWrite.temporaryDirectory(dir);
  }

  /** Fills a temporary folder with a verified, unpacked package. */
  @FunctionalInterface
  private interface Step {
    void fill(Path tmp) throws IOException;
  }

  /**
   * Runs {@code step} in a fresh temporary folder next to {@code dir}, marks it verified and
   * renames it to {@code dir} (replacing a stale one); on failure the temporary folder goes.
   */
  private static void build(Path dir, String checksum, Step step) throws IOException {
    Path tmp = fresh(dir);
    try {
      step.fill(tmp);
      Files.writeString(tmp.resolve(MARKER), checksum + "\n", StandardCharsets.UTF_8);
      if (Files.exists(dir)) deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (Files.exists(tmp)) deleteTree(tmp);
      throw e;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The SHA-256 of a file's bytes: for checking what a package holds against a pinned value. */
  public static byte[] sha256(Path file) throws IOException {
    return digest(file, "SHA-256");
  }

  static byte[] digest(Path file, String algorithm) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    }
    return md.digest();
  }

  private record Result(int code, String out, String err) {}

  /** Runs a client and returns its stdout; a missing client or a failure is a clear error. */
  private static String run(Path dir, String... command) throws IOException {
    Result r = exec(dir, command);
    if (r.code != 0) {
      throw new IOException(String.join(" ", command) + " failed (exit " + r.code + "): " + abbreviate(r.err.isBlank() ? r.out : r.err));
    }
    return r.out;
  }

  private static Result exec(Path dir, String... command) throws IOException {
    Process p;
    Path errFile = Files.createTempFile("overtrain-client", ".err");
    try {
      try {
        p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(errFile.toFile()).start();
      } catch (IOException e) {
        throw new IOException(command[0] + " is not installed or not on PATH (needed for: " + String.join(" ", command) + ")", e);
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(CLIENT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer after " + CLIENT_TIMEOUT_MINUTES + " minutes");
      }
      return new Result(p.exitValue(), out, Files.readString(errFile, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  /** A package name as a folder name: {@code @scope/name} becomes {@code scope-name}. */
  private static String safe(String s) {
    return s.replace("@", "").replace('/', '-').replace(':', '_');
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    List<String> lines = new ArrayList<>(List.of(t.split("\n")));
    if (lines.size() > 6) lines = lines.subList(lines.size() - 6, lines.size());
    String joined = String.join(" | ", lines);
    return joined.length() > 600 ? joined.substring(0, 600) + "..." : joined;
  }
}
