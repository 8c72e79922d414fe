package overtrain.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own task: a spec and JSONL lines, no code. */
class ExampleReaderTest {
  @TempDir Path dir;

  private Task task(String spec, String train) throws IOException {
    Files.writeString(dir.resolve("spec.yaml"), spec);
    Files.writeString(dir.resolve("train.jsonl"), train);
    return Task.load(dir);
  }

  @Test
  void classificationGivesOneCandidatePerClassAndAcceptsNamesNumbersAndBooleans() throws IOException {
    Task t = task("""
        name: mine
        type: classification
        splits: {train: train.jsonl}
        template: "Text: {text}\\nLabel:"
        label_field: label
        labels:
          - {name: "false", verbalizer: " no"}
          - {name: "true", verbalizer: " yes"}
        """, """
        {"text": "a", "label": "true"}
        {"text": "b", "label": 0}

        {"text": "c", "label": true}
        {"text": "d", "label": "0"}
        """);
    List<Example> ex = t.examples("train");
    assertEquals(4, ex.size());
    assertEquals(List.of(new Candidate("Text: a\nLabel:", " no"), new Candidate("Text: a\nLabel:", " yes")),
        ex.get(0).candidates());
    assertEquals(List.of(1, 0, 1, 0), ex.stream().map(Example::gold).toList());
    assertEquals(" yes", ex.get(2).target().continuation());
  }

  @Test
  void lmTakesTheWholeTextAsContinuation() throws IOException {
    Task t = task("{name: code, type: lm, splits: {train: train.jsonl}}", "\uFEFF{\"text\": \"def f():\\n  return {}\\n\"}\n");
    Example e = t.examples("train").get(0);
    assertEquals(new Candidate("", "def f():\n  return {}\n"), e.target());
    assertEquals(1, e.candidates().size());
  }

  @Test
  void instructionFromFieldsAndFromMessages() throws IOException {
    Task fields = task("""
        {name: qa, type: instruction, splits: {train: train.jsonl},
         template: "Q: {q}\\nA:", response_template: " {a}"}
        """, "{\"q\": \"2+2?\", \"a\": \"4\"}\n");
    assertEquals(new Candidate("Q: 2+2?\nA:", " 4"), fields.examples("train").get(0).target());

    Task chat = task("{name: chat, type: instruction, splits: {train: train.jsonl}, messages_field: messages}", """
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye."}]}
        """);
    Candidate c = chat.examples("train").get(0).target();
    assertEquals("<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\nHello.\n<|user|>\nBye\n<|assistant|>\n", c.context());
    assertEquals("Goodbye.", c.continuation());
  }

  @Test
  void multipleChoiceRendersEachChoiceAsAContinuation() throws IOException {
    Task t = task("""
        {name: mc, type: multiple_choice, splits: {train: train.jsonl}, template: "{q}",
         choices: [first, rest], choice_template: " => {choice}", gold_field: answer, gold: text}
        """, "{\"q\": \"Pick\", \"first\": \"x\", \"rest\": [\"y\", \"z\"], \"answer\": \"z\"}\n");
    Example e = t.examples("train").get(0);
    assertEquals(List.of(" => x", " => y", " => z"), e.candidates().stream().map(Candidate::continuation).toList());
    assertTrue(e.candidates().stream().allMatch(c -> c.context().equals("Pick")));
    assertEquals(2, e.gold());
  }

  @Test
  void aPresetSpecNeedsOnlyItsNameAndFiles() throws IOException {
    Files.writeString(dir.resolve("reviews.jsonl"), "{\"text\": \"great\", \"label\": 1}\n");
    Task t = task("{preset: mr, name: my_mr, splits: {train: reviews.jsonl}}", "");
    assertEquals("my_mr", t.name());
    Example e = t.examples("train").get(0);
    assertEquals(List.of(" negative", " positive"), e.candidates().stream().map(Candidate::continuation).toList());
    assertEquals(1, e.gold());
    assertThrows(TaskFormatException.class, () -> t.file("test"));
  }

  @Test
  void specRoundTripsThroughYaml() throws IOException {
    TaskSpec spec = Presets.spec("arc");
    spec.save(dir.resolve("spec.yaml"));
    assertEquals(spec, TaskSpec.load(dir.resolve("spec.yaml")));
  }
}
