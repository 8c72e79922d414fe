package overtrain.study;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the code a result came from: the jar's Maven version and the git commit the
 * classes were built from ("-dirty" when the tree had changes not committed, untracked files
 * included, since a new source file changes the jar), both recorded by the build. Read from the
 * classes rather than from the work tree, because a study's workers go on running the jar they
 * started with while the tree moves on. Beside it, the runtime that ran it.
 */
public final class CodeVersion {
  /** Written by the build (git-commit-id-maven-plugin, see pom.xml). */
  static final String BUILD_PROPERTIES = "/overtrain/build.properties";
  private static final String MAVEN_PROPERTIES = "/META-INF/maven/overtrain/overtrain/pom.properties";
  private static String cached;

  private CodeVersion() {}

  public static synchronized String get() {
    if (cached == null) {
      Properties maven = read(MAVEN_PROPERTIES);
      Properties build = read(BUILD_PROPERTIES);
      cached = of(maven.getProperty("version"), build.getProperty("git.commit.id.abbrev"),
          build.getProperty("git.dirty"));
    }
    return cached;
  }

  /**
   * The JVM running this code, as its vendor and version: the Vector API's code generation, and
   * with it the speed (and the last bits of a lane reduction), may change from one release to
   * the next.
   */
  public static String runtime() {
    return System.getProperty("java.vendor") + " Java " + Runtime.version();
  }

  /** "version+commit", "version+commit-dirty", "unknown" for what the build did not record. */
  static String of(String version, String commit, String dirty) {
    String v = version == null || version.isBlank() ? "unknown" : version.strip();
    if (commit == null || commit.isBlank()) return v + "+unknown";
    boolean isDirty = dirty != null && dirty.strip().equals("true");
    return v + "+" + commit.strip() + (isDirty ? "-dirty" : "");
  }

  private static Properties read(String resource) {
    Properties p = new Properties();
    try (InputStream in = CodeVersion.class.getResourceAsStream(resource)) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      // left empty: the version reads "unknown"
    }
    return p;
  }
}
