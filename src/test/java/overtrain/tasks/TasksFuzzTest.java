package overtrain.tasks;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import overtrain.fuzz.ClearErrors;

/** Any bytes as task data or a task spec: read, or refused with a clear error naming the file. */
class TasksFuzzTest {
  private static final String CLASSIFICATION = """
      name: s
      type: classification
      template: "{text}"
      label_field: label
      labels: [{name: neg, verbalizer: " bad"}, {name: pos, verbalizer: " good"}]
      """;
  private static final String MULTIPLE_CHOICE = """
      name: c
      type: multiple_choice
      template: "{premise} {question}"
      choices: [choice1, choice2]
      gold_field: label
      gold: index
      """;
  private static final List<TaskSpec> SPECS = specs();

  private static List<TaskSpec> specs() {
    try {
      Path dir = Files.createTempDirectory("overtrain-fuzz-specs");
      Path a = Files.writeString(dir.resolve("a.yaml"), CLASSIFICATION);
      Path b = Files.writeString(dir.resolve("b.yaml"), MULTIPLE_CHOICE);
      return List.of(TaskSpec.load(a), TaskSpec.load(b));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "20s")
  void jsonl(byte[] data) throws Exception {
    for (TaskSpec spec : SPECS) {
      ClearErrors.check("fuzz.jsonl", data, file -> new ExampleReader(spec).read(file));
    }
  }

  @FuzzTest(maxDuration = "20s")
  void spec(byte[] data) throws Exception {
    ClearErrors.check("fuzz-spec.yaml", data, TaskSpec::load);
  }
}
