package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in a real browser (headless Chromium): it must load without a console message
 * and draw every figure with a size. The page records each figure's drawn size into its DOM once
 * loaded; Chromium dumps the DOM and logs console messages to stderr.
 */
class ReportInBrowserTest {

  @TempDir Path dir;

  private static String chromium;

  @BeforeAll
  static void findChromium() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "chromium"))) {
        chromium = Path.of(p, "chromium").toString();
        return;
      }
    }
  }

  /** What the browser made of a page: its DOM after load, and the console lines it logged. */
  record Loaded(String dom, List<String> console) {}

  private Loaded open(Path page) throws Exception {
    assumeTrue(chromium != null, "chromium is not on PATH (apt-get install chromium; .ci/run installs it)");
    Path profile = Files.createTempDirectory(dir, "profile");
    Path out = dir.resolve("dom.html"), err = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--window-size=1000,800",
        "--dump-dom", page.toUri().toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s; stderr:\n" + Files.readString(err));
    }
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "chromium failed:\n" + log);
    List<String> console = new ArrayList<>();
    for (String line : log.split("\n")) if (line.contains(":CONSOLE")) console.add(line);
    return new Loaded(Files.readString(out, StandardCharsets.UTF_8), console);
  }

  private static String attribute(String tag, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(tag);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void reportLoadsCleanlyAndDrawsEveryFigure() throws Exception {
    StudyReport r = StudyReport.of(new SyntheticStudy(2, true, true).table(), null, SyntheticStudy.meta());
    Path html = r.write(dir).get(0);
    Loaded page = open(html);
    assertEquals(List.of(), page.console(), "console messages while loading the report");
    Matcher body = Pattern.compile("<body[^>]*>").matcher(page.dom());
    assertTrue(body.find(), "no body in the DOM");
    int figures = r.figures().size();
    assertTrue(figures > 0);
    assertEquals(String.valueOf(figures), attribute(body.group(), "data-figures"), "the page's script did not run");
    assertEquals(String.valueOf(figures), attribute(body.group(), "data-figures-drawn"), body.group());
    Matcher img = Pattern.compile("<img class=\"plot\"[^>]*>").matcher(page.dom());
    int seen = 0;
    while (img.find()) {
      seen++;
      for (String a : List.of("data-drawn-width", "data-drawn-height", "data-natural-width")) {
        String v = attribute(img.group(), a);
        assertTrue(v != null && Integer.parseInt(v) > 0, a + " of figure " + seen + ": " + v);
      }
    }
    assertEquals(figures, seen);
  }

  @Test
  void aBrokenPageIsCaught() throws Exception {
    // the check above could fail: a script error and an undecodable image are both seen
    Path bad = dir.resolve("bad.html");
    String good = new String(java.util.Base64.getEncoder().encode(new byte[] {1, 2, 3}), StandardCharsets.US_ASCII);
    Files.writeString(bad, "<!DOCTYPE html><html><body><img class=\"plot\" src=\"data:image/png;base64," + good
        + "\"><script>missing();</script></body></html>");
    Loaded page = open(bad);
    assertFalse(page.console().isEmpty(), "a script error went unseen");
    assertTrue(page.console().get(0).contains("missing"), page.console().get(0));
  }
}
