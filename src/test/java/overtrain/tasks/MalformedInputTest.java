package overtrain.tasks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad data and bad specs: each error names the file, the line and the field. */
class MalformedInputTest {
  @TempDir Path dir;

  private static final String SENTIMENT = """
      name: s
      type: classification
      template: "{text}"
      label_field: label
      labels: [{name: neg, verbalizer: " bad"}, {name: pos, verbalizer: " good"}]
      """;

  private String errorFor(String spec, String train) throws IOException {
    Files.writeString(dir.resolve("spec.yaml"), spec);
    Files.writeString(dir.resolve("train.jsonl"), train);
    TaskFormatException e = assertThrows(TaskFormatException.class, () -> Task.load(dir).examples("train"));
    return e.getMessage();
  }

  private void assertMentions(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), () -> "'" + message + "' should mention '" + p + "'");
  }

  @Test
  void badJsonNamesFileAndLine() throws IOException {
    assertMentions(errorFor(SENTIMENT, "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \n"),
        "train.jsonl:2", "not valid JSON");
  }

  @Test
  void aLineThatIsNotAnObject() throws IOException {
    assertMentions(errorFor(SENTIMENT, "[1, 2]\n"), "train.jsonl:1", "expected a JSON object");
  }

  @Test
  void missingFieldNamesTheField() throws IOException {
    assertMentions(errorFor(SENTIMENT, "{\"text\": \"a\", \"label\": \"pos\"}\n\n{\"label\": \"neg\"}\n"),
        "train.jsonl:3", "field 'text'", "missing");
  }

  @Test
  void unknownLabelListsTheKnownOnes() throws IOException {
    assertMentions(errorFor(SENTIMENT, "{\"text\": \"a\", \"label\": \"meh\"}\n"),
        "train.jsonl:1", "field 'label'", "unknown label 'meh'", "[neg, pos]");
    assertMentions(errorFor(SENTIMENT, "{\"text\": \"a\", \"label\": 2}\n"), "train.jsonl:1", "outside 0..1");
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    assertMentions(errorFor(SENTIMENT, "\n  \n"), "train.jsonl", "empty file");
  }

  @Test
  void missingSplitFile() throws IOException {
    Files.writeString(dir.resolve("spec.yaml"), SENTIMENT);
    TaskFormatException e = assertThrows(TaskFormatException.class, () -> Task.load(dir).examples("test"));
    assertMentions(e.getMessage(), "test.jsonl", "no such file");
  }

  @Test
  void badMultipleChoiceAnswers() throws IOException {
    String arc = "{preset: arc, splits: {train: train.jsonl}}";
    assertMentions(errorFor(arc, "{\"question\": \"q\", \"choices\": {\"text\": [\"a\", \"b\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"C\"}\n"),
        "train.jsonl:1", "field 'answerKey'", "'C' not among");
    String piqa = "{preset: piqa, splits: {train: train.jsonl}}";
    assertMentions(errorFor(piqa, "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\", \"label\": 2}\n"),
        "train.jsonl:1", "field 'label'", "outside the 2 choices");
    String wino = "{preset: winogrande, splits: {train: train.jsonl}}";
    assertMentions(errorFor(wino, "{\"sentence\": \"no blank\", \"option1\": \"a\", \"option2\": \"b\", \"answer\": \"1\"}\n"),
        "field 'sentence'", "no '_' blank");
  }

  @Test
  void badChatsNameTheField() throws IOException {
    String hh = "{preset: anthropic_hh, splits: {train: train.jsonl}}";
    assertMentions(errorFor(hh, "{\"chosen\": \"\\n\\nHuman: hi\"}\n"), "train.jsonl:1", "field 'chosen'", "last turn is 'user'");
    String tulu = "{preset: tulu, splits: {train: train.jsonl}}";
    assertMentions(errorFor(tulu, "{\"messages\": [{\"role\": \"user\"}]}\n"), "field 'messages'", "'content'");
  }

  @Test
  void specErrorsNameTheKey() throws IOException {
    assertMentions(errorFor("name: s\ntype: classification\ntemplate: x\nlabel_field: y\n", "{}\n"),
        "spec.yaml", "field 'labels'", "missing");
    assertMentions(errorFor(SENTIMENT + "lables: []\n", "{}\n"), "spec.yaml", "field 'lables'");
    assertMentions(errorFor("{name: s, type: regression}", "{}\n"), "spec.yaml", "unknown task type 'regression'");
    assertMentions(errorFor("{name: s, type: lm, gold: index}", "{}\n"), "field 'gold'", "not used by a lm task");
    assertMentions(errorFor("{preset: nope}", "{}\n"), "field 'preset'", "unknown preset 'nope'");
    assertMentions(errorFor("name: [unclosed\n", "{}\n"), "spec.yaml", "not valid YAML");
  }

  @Test
  void specErrorsNameTheValueAndWhatIsAllowed() throws IOException {
    assertMentions(errorFor("{name: s, type: regression}", "{}\n"),
        "spec.yaml", "field 'type'", "'regression'", "classification, lm, instruction, multiple_choice");
    assertMentions(errorFor("{name: s}", "{}\n"), "field 'type'", "missing", "classification, lm");
    assertMentions(errorFor(SENTIMENT + "lables: []\n", "{}\n"),
        "spec.yaml", "field 'lables'", "value []", "label_field, labels");
    assertMentions(errorFor("{name: s, type: lm, gold: index}", "{}\n"), "value \"index\"", "splits, template");
    assertMentions(errorFor("{name: s, type: lm, splits: [a]}", "{}\n"),
        "spec.yaml", "field 'splits'", "expected a mapping of split name to JSONL file", "[\"a\"]");
    assertMentions(errorFor("{name: s, type: classification, template: x, label_field: [y], labels: []}", "{}\n"),
        "field 'label_field'", "expected text", "[\"y\"]");
    assertMentions(errorFor(SENTIMENT.replace("labels: [", "labels: [{name: x, verbaliser: y}, "), "{}\n"),
        "field 'labels'", "'verbaliser'", "expected name and verbalizer");
    assertMentions(errorFor("{preset: arc, gold: first}", "{}\n"),
        "field 'gold'", "'first'", "index, index1, key or text");
  }
}
