package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.theory.TheoryConfig;
import overtrain.theory.TheoryExperiment;
import overtrain.theory.TheoryResult;

class TheoryReportTest {

  @TempDir Path dir;

  @Test
  void writesEveryPlottedNumberTheInflectionsAndTheFigures() throws Exception {
    TheoryConfig d = TheoryConfig.defaults();
    TheoryConfig config = new TheoryConfig(d.seed(), 8, 8, 3, d.spectrum(), d.init(),
        new TheoryConfig.Pretrain(0.05, 1, 30, 6, 11),
        new TheoryConfig.Finetune(10, List.of(0.1, 0.2), List.of(0.0), List.of(0.0, 50.0)),
        d.riseTolerance());
    TheoryResult result = TheoryExperiment.run(config, (done, total) -> {});
    Path out = dir.resolve("out");
    TheoryReport writer = new TheoryReport(result);
    writer.write(out);

    int times = result.times().length;
    List<String> rows = Files.readAllLines(out.resolve("theory.csv"));
    assertEquals(1 + 4 * times, rows.size());
    // Each row's loss after fine-tuning is the number the figures plot.
    String[] first = rows.get(1).split(",");
    assertEquals(result.settings().get(0).lossAfter()[0], Double.parseDouble(first[5]));
    assertEquals(1 + 3 * 11, Files.readAllLines(out.resolve("theory-trajectory.csv")).size());
    assertEquals(1 + 3 * times, Files.readAllLines(out.resolve("theory-learned.csv")).size());

    JsonNode json = new ObjectMapper().readTree(out.resolve("theory.json").toFile());
    assertEquals(8, json.get("config").get("dimension").asInt());
    assertEquals(4, json.get("settings").size());
    for (int i = 0; i < 4; i++) {
      JsonNode inflection = json.get("settings").get(i).get("inflection");
      assertEquals(result.settings().get(i).inflection().interior(), inflection.get("found").asBoolean());
      assertEquals(result.settings().get(i).inflection().describe(), inflection.get("description").asText());
    }

    for (var figure : TheoryReport.FIGURES) {
      String name = figure.getKey();
      assertTrue(Files.size(out.resolve(name + ".png")) > 0 && Files.size(out.resolve(name + ".svg")) > 0, name);
    }
  }
}
