package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import overtrain.io.Json;

class StudyFileTest {

  @Test
  void cellIdIsTheHashOfKindSpecAndDependenciesOnly() {
    ObjectNode a = Json.object().put("x", 1).put("y", "b");
    ObjectNode b = Json.object().put("y", "b").put("x", 1);
    Cell one = Cell.of("k", "label one", List.of("d1"), a, Json.object().put("c", 1), 10, 1);
    Cell two = Cell.of("k", "another label", List.of("d1"), b, Json.object().put("c", 2), 99, 2);
    assertEquals(one.id(), two.id(), "field order, label, coords, tokens and threads do not change the id");
    assertEquals(16, one.id().length());
    assertNotEquals(one.id(), Cell.of("k", "l", List.of("d2"), a, Json.object(), 1, 1).id());
    assertNotEquals(one.id(), Cell.of("k2", "l", List.of("d1"), a, Json.object(), 1, 1).id());
    assertNotEquals(one.id(), Cell.of("k", "l", List.of("d1"), Json.object().put("x", 2).put("y", "b"),
        Json.object(), 1, 1).id());
  }

  @Test
  void selftestExpandsIntoStagesThatDependOnTheStageBefore() {
    StudyPlan plan = StudyFile.parse("name: t\nselftest: {stages: 3, cells_per_stage: 4, seconds: 0.5, seed: 7}\n", "t.yaml");
    assertEquals(Path.of("").toAbsolutePath().resolve("runs/t"), plan.dir());
    List<List<Cell>> stages = plan.stages();
    assertEquals(3, stages.size());
    for (List<Cell> s : stages) assertEquals(4, s.size());
    assertTrue(stages.get(0).stream().allMatch(c -> c.dependsOn().isEmpty()));
    for (int k = 1; k < 3; k++) {
      List<String> previous = stages.get(k - 1).stream().map(Cell::id).toList();
      for (Cell c : stages.get(k)) {
        assertEquals(2, c.dependsOn().size(), c.label());
        assertTrue(previous.containsAll(c.dependsOn()), c.label());
      }
    }
    // The same file expands to the same ids; another seed to others.
    StudyPlan again = StudyFile.parse("name: t\nselftest: {stages: 3, cells_per_stage: 4, seconds: 0.5, seed: 7}\n", "t.yaml");
    assertEquals(plan.cells().stream().map(Cell::id).toList(), again.cells().stream().map(Cell::id).toList());
    StudyPlan other = StudyFile.parse("name: t\nselftest: {stages: 3, cells_per_stage: 4, seconds: 0.5, seed: 8}\n", "t.yaml");
    assertNotEquals(plan.cells().get(0).id(), other.cells().get(0).id());
  }

  @Test
  void badFilesAreRefusedNamingTheFileAndField() {
    assertMessage("name: t\nselftest: {stages: 0}\n", "s.yaml: selftest.stages");
    assertMessage("name: t\nselftest: {stages: 2, colour: red}\n", "unknown field 'colour'");
    assertMessage("name: t\nselftst: {}\n", "unknown key 'selftst'");
    assertMessage("selftest: {}\n", "name: is required");
    assertMessage("name: t\nclaim_timeout: -1\nselftest: {}\n", "claim_timeout");
    assertMessage("name: t\n", "no cells");
    assertMessage("name: t\nselftest: {seconds: fast}\n", "selftest.seconds");
    assertMessage("name: [t\n", "line");
  }

  private static void assertMessage(String yaml, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyFile.parse(yaml, "s.yaml"));
    assertTrue(e.getMessage().contains(part) && e.getMessage().contains("s.yaml"), e.getMessage());
  }

  @Test
  void aPlanRefusesUnknownDependenciesCyclesAndKindsWithoutExecutor() {
    CellExecutor nothing = (c, ctx) -> new CellResult(List.of(), Json.object());
    Cell a = new Cell("a", "k", "cell a", List.of("b"), Json.object(), Json.object(), 0, 1);
    Cell b = new Cell("b", "k", "cell b", List.of("a"), Json.object(), Json.object(), 0, 1);
    Cell c = new Cell("c", "k", "cell c", List.of("zz"), Json.object(), Json.object(), 0, 1);
    Path dir = Path.of("x");
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new StudyPlan("p", dir, Json.object(), List.of(a, b), Map.of("k", nothing))).getMessage().contains("cycle"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new StudyPlan("p", dir, Json.object(), List.of(c), Map.of("k", nothing))).getMessage().contains("zz"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new StudyPlan("p", dir, Json.object(), List.of(c), Map.of())).getMessage().contains("no executor"));
  }

  @Test
  void estimateSchedulesCellsLikeThePool() {
    StudyPlan plan = StudyFile.parse("name: t\nselftest: {stages: 2, cells_per_stage: 4, seconds: 1.0}\n", "t.yaml");
    double cell = 1.0 + PlanEstimate.WORKER_START_SECONDS;
    PlanEstimate two = PlanEstimate.of(plan, 2, 2, java.util.Set.of());
    assertEquals(8 * cell, two.cellSeconds(), 1e-9);
    assertEquals(java.util.List.copyOf(plan.cells().stream().map(Cell::kind).distinct().toList()),
        java.util.List.copyOf(two.byKind().keySet()));
    assertEquals(two.cellSeconds(), two.byKind().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9,
        "the kinds' seconds add up to the cells'");
    assertEquals(4 * cell, two.wallSeconds(), 1e-9, "eight one-thread cells on two cores: four rounds");
    assertEquals(2 * cell, PlanEstimate.of(plan, 4, 4, java.util.Set.of()).wallSeconds(), 1e-9);
    // A done stage leaves only the other's time.
    java.util.Set<String> done = new java.util.HashSet<>();
    plan.stages().get(0).forEach(c -> done.add(c.id()));
    assertEquals(2 * cell, PlanEstimate.of(plan, 2, 2, done).wallSeconds(), 1e-9);
    assertTrue(two.unknownKinds().isEmpty());
  }
}
