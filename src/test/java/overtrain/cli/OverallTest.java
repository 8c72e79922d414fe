package overtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import overtrain.study.LocalPool;

/** The pipeline's one bar: phases weigh their estimated seconds. */
class OverallTest {
  @Test
  void phasesWeighTheirEstimatesAndTheStudyMovesWithItsTokens() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Overall bar = new Overall(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "demo");
    bar.add("fetching", 10);
    bar.add("study", 80);
    bar.add("report", 10);
    assertEquals(0, bar.fraction());
    bar.begin("fetching");
    bar.begin("study");
    assertEquals(0.10, bar.fraction(), 1e-12, "a finished phase counts whole");
    bar.study(new LocalPool.Snapshot(3, 10, 250, 1000, 2, 0), 0.25);
    assertEquals(0.10 + 0.25 * 0.80, bar.fraction(), 1e-12);
    bar.end();
    assertEquals(1, bar.fraction());
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("demo [..............................]   0% fetching, --:-- left", lines.get(0), "a line at each phase");
    assertTrue(lines.get(1).startsWith("demo [###...........................]  10% study, "), lines.get(1));
    assertEquals("demo [##############################] 100% report, done", lines.get(lines.size() - 1));
  }

  @Test
  void aPhaseThatReportsNothingAdvancesWithItsClockButNeverCompletesOnIt() throws InterruptedException {
    Overall bar = new Overall(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, "x");
    bar.add("quick", 0.001);
    bar.add("rest", 0.999);
    bar.begin("quick");
    Thread.sleep(5);
    bar.tick();
    assertEquals(0.95 * 0.001, bar.fraction(), 1e-12, "at most 95% of a phase on its clock");
  }
}
