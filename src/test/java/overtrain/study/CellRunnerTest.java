package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.io.Json;

class CellRunnerTest {
  @TempDir Path root;

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void aCellRunsOnceAndItsResultRecordsItsInputs() throws Exception {
    Path file = Studies.selftest(root, "once", "{stages: 2, cells_per_stage: 2, seconds: 0.01, seed: 4}");
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);
    dir.prepare(file);
    Cell first = plan.stages().get(0).get(0);
    Cell second = plan.stages().get(1).get(0);
    CellRunner runner = new CellRunner(dir, QUIET);
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> runner.run(second.id()));
    assertTrue(early.getMessage().contains("not done"), early.getMessage());
    assertFalse(Files.exists(dir.claim(second.id())));

    assertEquals(CellRunner.Outcome.DONE, runner.run(first.id()));
    assertEquals(CellRunner.Outcome.ALREADY_DONE, runner.run(first.id()));
    JsonNode r = dir.readResult(first.id());
    assertEquals(2, r.get("measurements").size());
    assertEquals(4, r.at("/record/seeds/seed").asInt());
    assertEquals(1, r.at("/record/threads").asInt() > 0 ? 1 : 0);
    assertTrue(r.at("/record/code_version").asText().contains("+"));
    assertTrue(r.at("/record/wall_seconds").asDouble() > 0);
    assertEquals(Claim.host(), r.at("/record/host").asText());
    assertFalse(Files.exists(dir.claim(first.id())), "the claim is released");
    JsonNode cellJson = Json.read(dir.cellDir(first.id()).resolve("cell.json"));
    assertEquals(first.label(), cellJson.get("label").asText());
    assertEquals(Json.canonical(first.spec()), Json.canonical(cellJson.get("spec")));
  }

  @Test
  void aKilledSelftestResumesToTheSameValue() throws Exception {
    Path file = Studies.selftest(root, "resume", "{stages: 1, cells_per_stage: 1, seconds: 0.02, seed: 9}");
    StudyPlan plan = StudyFile.load(file);
    Cell cell = plan.cells().get(0);
    Path whole = Files.createDirectories(root.resolve("whole"));
    Path broken = Files.createDirectories(root.resolve("broken"));
    CellResult expected = Selftest.run(cell, context(whole, Long.MAX_VALUE));
    // Dies in the middle of the chain, as a killed worker would, then runs again.
    assertThrows(IllegalStateException.class, () -> Selftest.run(cell, context(broken, cell.tokens() / 2)));
    long saved = Json.read(broken.resolve("state.json")).get("links_done").asLong();
    assertTrue(saved > 0 && saved < cell.tokens(), "stopped half way: " + saved);
    CellResult resumed = Selftest.run(cell, context(broken, Long.MAX_VALUE));
    assertEquals(expected.measurements(), resumed.measurements());
    assertEquals(expected.outputs(), resumed.outputs());
  }

  private static CellContext context(Path dir, long dieAfter) {
    return new CellContext() {
      public Path dir() {
        return dir;
      }

      public Path dirOf(String id) {
        throw new UnsupportedOperationException();
      }

      public JsonNode resultOf(String id) {
        throw new UnsupportedOperationException();
      }

      public void progress(long tokensDone) {
        if (tokensDone >= dieAfter) throw new IllegalStateException("killed");
      }
    };
  }

  @Test
  void aFailingCellLeavesAFailureRecordAndNoClaim() throws Exception {
    Path file = Studies.selftest(root, "fails", "{stages: 1, cells_per_stage: 2, seconds: 0.01, fail: [\"1.2\"]}");
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);
    dir.prepare(file);
    Cell bad = plan.cells().get(1);
    assertThrows(IllegalStateException.class, () -> new CellRunner(dir, QUIET).run(bad.id()));
    assertTrue(Json.read(dir.failed(bad.id())).get("error").asText().contains("on purpose"));
    assertFalse(Files.exists(dir.claim(bad.id())));
    assertFalse(dir.isDone(bad.id()));
    assertEquals(StudyStatus.State.FAILED, StudyStatus.of(dir).get(1).state());
  }

  @Test
  void aFolderRefusesAChangedStudyUnlessItOnlyAddsCells() throws Exception {
    Path file = Studies.selftest(root, "grow", "{stages: 1, cells_per_stage: 2, seconds: 0.01}");
    new StudyDir(StudyFile.load(file)).prepare(file);
    Path bigger = Studies.selftest(root, "grow", "{stages: 2, cells_per_stage: 2, seconds: 0.01}");
    StudyDir grown = new StudyDir(StudyFile.load(bigger));
    grown.prepare(bigger);
    assertEquals(Files.readString(bigger), Files.readString(grown.studyYaml()));
    Path changed = Studies.selftest(root, "grow", "{stages: 2, cells_per_stage: 2, seconds: 0.01, seed: 2}");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new StudyDir(StudyFile.load(changed)).prepare(changed));
    assertTrue(e.getMessage().contains("only add cells") && e.getMessage().contains("grow.yaml"), e.getMessage());
  }

  @Test
  void resultsAreOneTidyTableOverEveryDoneCell() throws Exception {
    Path file = Studies.selftest(root, "table", "{stages: 2, cells_per_stage: 2, seconds: 0.01}");
    StudyDir dir = Studies.runClean(file);
    Results.Table t = Results.of(dir);
    assertEquals(List.of("cell", "kind", "stage", "index", "half", "metric", "value"), t.columns());
    assertEquals(8, t.rows().size());
    List<String> lines = t.csv().lines().toList();
    assertEquals(9, lines.size());
    assertTrue(lines.get(1).startsWith(dir.plan().stages().get(0).get(0).id() + ",selftest,1,1,first,hash_fraction,"));
    assertEquals(t.csv(), Results.of(dir).csv(), "the same table every time");
    assertEquals(8, t.json().size());
    assertEquals("second", t.json().get(1).get("half").asText());
  }
}
