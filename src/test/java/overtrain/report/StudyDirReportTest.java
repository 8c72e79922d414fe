package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.study.Cell;
import overtrain.study.CellRunner;
import overtrain.study.StudyDir;
import overtrain.study.StudyFile;
import overtrain.study.StudyPlan;

/** The report of a real study folder: its settings and records, with no figure it has no cells for. */
class StudyDirReportTest {

  @TempDir Path root;

  @Test
  void reportsAStudyFolderWithoutModelCells() throws Exception {
    Path file = Files.writeString(root.resolve("s.yaml"), String.join("\n", "name: s", "dir: " + root.resolve("s"),
        "claim_timeout: 2", "selftest: {stages: 2, cells_per_stage: 2, seconds: 0.01}", ""));
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);
    dir.prepare(file);
    CellRunner runner = new CellRunner(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    for (List<Cell> stage : plan.stages()) for (Cell c : stage) runner.run(c.id());

    StudyReport r = StudyReport.of(dir);
    assertEquals(List.of(), r.figures());
    r.write(dir.root());
    String html = Files.readString(dir.root().resolve("report.html"));
    assertTrue(html.contains("4 of 4 cells done"), "cell count");
    String version = dir.readResult(plan.cells().get(0).id()).path("record").path("code_version").asText();
    assertTrue(!version.isEmpty() && html.contains(StudyReport.esc(version)), "code version " + version);
    double wall = 0;
    for (Cell c : plan.cells()) wall += dir.readResult(c.id()).path("record").path("wall_seconds").asDouble();
    assertTrue(html.contains(overtrain.study.PlanEstimate.duration(wall) + " (the sum"), "wall time");
    assertTrue(html.contains(StudyReport.esc(Files.readString(file))), "the study file");
    assertEquals("figure,series,x,y,low,high\n", Files.readString(dir.root().resolve("report.csv")));
  }
}
