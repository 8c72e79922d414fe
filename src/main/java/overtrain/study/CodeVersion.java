package overtrain.study;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The version of the code a result came from: the jar's Maven version, and the git commit of
 * the work tree the classes were loaded from when there is one ("-dirty" when it has
 * uncommitted changes), so that a result says which code made it.
 */
final class CodeVersion {
  private static String cached;

  private CodeVersion() {}

  static synchronized String get() {
    if (cached == null) cached = version() + "+" + commit();
    return cached;
  }

  private static String version() {
    try (InputStream in = CodeVersion.class.getResourceAsStream(
        "/META-INF/maven/overtrain/overtrain/pom.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String commit() {
    try {
      Path code = Path.of(CodeVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = Files.isDirectory(code) ? code : code.getParent();
      String head = git(dir, "rev-parse", "--short=12", "HEAD");
      if (head == null || head.isEmpty()) return "unknown";
      String changes = git(dir, "status", "--porcelain", "--untracked-files=no");
      return changes == null || changes.isEmpty() ? head : head + "-dirty";
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "git";
    cmd[1] = "-C";
    cmd[2] = dir.toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      return null;
    }
    return new String(out, StandardCharsets.UTF_8).trim();
  }
}
