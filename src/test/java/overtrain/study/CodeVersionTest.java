package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CodeVersionTest {
  @Test
  void namesTheCommitTheBuildRecorded() throws Exception {
    // built from a copy without git (an archive of the sources), there is no commit to name
    assumeTrue(Files.exists(Path.of(".git")), "not a git checkout");
    Properties build = new Properties();
    try (InputStream in = CodeVersion.class.getResourceAsStream(CodeVersion.BUILD_PROPERTIES)) {
      assertNotNull(in, CodeVersion.BUILD_PROPERTIES + " was not written by the build");
      build.load(in);
    }
    String commit = build.getProperty("git.commit.id.abbrev");
    assertTrue(commit.matches("[0-9a-f]{12}"), commit);
    String version = CodeVersion.get();
    assertTrue(version.matches("[^+]+\\+[0-9a-f]{12}(-dirty)?"), version);
    assertTrue(version.contains("+" + commit), version);
    assertEquals(Boolean.parseBoolean(build.getProperty("git.dirty")), version.endsWith("-dirty"), version);
  }

  @Test
  void namesTheRuntimeByItsVersion() {
    String runtime = CodeVersion.runtime();
    assertTrue(runtime.endsWith(" Java " + Runtime.version()), runtime);
  }

  @Test
  void saysWhatTheBuildDidNotRecord() {
    assertEquals("0.1+0123456789ab", CodeVersion.of("0.1", "0123456789ab", "false"));
    assertEquals("0.1+0123456789ab-dirty", CodeVersion.of("0.1", "0123456789ab", "true"));
    assertEquals("0.1+unknown", CodeVersion.of("0.1", null, null));
    assertEquals("unknown+0123456789ab", CodeVersion.of(null, "0123456789ab", "false"));
  }
}
