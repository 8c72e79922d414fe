package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import overtrain.tasks.metrics.MultipleChoiceMetrics;
import overtrain.tasks.metrics.Score;

/**
 * A question or context and a list of choices: one candidate per choice. Scored by acc and
 * acc_norm as lm-evaluation-harness does (see {@link MultipleChoiceMetrics}).
 *
 * @param choices field paths of the choices; a path to a list adds all its items
 * @param choiceTemplate each choice's continuation ({@code " {choice}"} when absent)
 * @param goldField the record field naming the right choice
 * @param gold how that field names it
 * @param choiceKeys for {@code gold: key}, the field holding the choices' keys
 * @param blank for Winogrande-style sentences, the field holding the sentence whose
 *     {@code _} each choice fills (instead of {@code template})
 */
public record MultipleChoice(List<String> choices, String choiceTemplate, String goldField, GoldFormat gold,
    String choiceKeys, String blank) implements TaskType {
  public static final String KEY = "multiple_choice";
  public static final Metric METRIC = new Metric(KEY, true, MultipleChoice::metrics);

  public MultipleChoice {
    choices = choices == null ? null : List.copyOf(choices);
  }

  static MultipleChoice read(SpecKeys keys) throws TaskFormatException {
    return new MultipleChoice(keys.texts("choices"), keys.text("choice_template"), keys.text("gold_field"),
        keys.gold("gold"), keys.text("choice_keys"), keys.text("blank"));
  }

  @Override
  public void write(ObjectNode spec) {
    SpecKeys.put(spec, "choices", choices);
    SpecKeys.put(spec, "choice_template", choiceTemplate);
    SpecKeys.put(spec, "gold_field", goldField);
    SpecKeys.put(spec, "gold", gold);
    SpecKeys.put(spec, "choice_keys", choiceKeys);
    SpecKeys.put(spec, "blank", blank);
  }

  @Override
  public void check(TaskSpec spec, Path file) throws TaskFormatException {
    TaskSpec.require(file, "choices", choices);
    TaskSpec.require(file, "gold_field", goldField);
    TaskSpec.require(file, "gold", gold);
    if (gold == GoldFormat.KEY) TaskSpec.require(file, "choice_keys", choiceKeys);
    else if (choiceKeys != null)
      throw new TaskFormatException(file, 0, "choice_keys", "only used with gold: key");
    if (blank == null) TaskSpec.require(file, "template", spec.template());
    else if (spec.template() != null || choiceTemplate != null)
      throw new TaskFormatException(file, 0, "blank",
          "a blank-filling task builds its context from the sentence; remove 'template' and 'choice_template'");
  }

  @Override
  public Reader reader(TaskSpec spec) {
    Template prompt = new Template(spec.template() != null ? spec.template() : "");
    Template continuation = new Template(choiceTemplate != null ? choiceTemplate : " {choice}");
    return (record, file, line) -> {
      Template.Lookup fields = path -> ExampleReader.text(record, path, file, line);
      List<String> texts = new ArrayList<>();
      for (String path : choices) {
        JsonNode node = ExampleReader.field(record, path, file, line);
        if (node.isArray()) for (JsonNode item : node) texts.add(ExampleReader.scalar(item, path, file, line));
        else texts.add(ExampleReader.scalar(node, path, file, line));
      }
      if (texts.size() < 2) throw new TaskFormatException(file, line, String.join(",", choices), "fewer than 2 choices");
      int right = gold(record, texts, file, line);
      List<Candidate> candidates = new ArrayList<>();
      if (blank != null) {
        // Winogrande, scored as lm-evaluation-harness does: each choice fills the blank in the
        // context, and the shared rest of the sentence is the continuation.
        String sentence = ExampleReader.text(record, blank, file, line);
        int at = sentence.indexOf('_');
        if (at < 0) throw new TaskFormatException(file, line, blank, "no '_' blank in the sentence");
        String rest = " " + sentence.substring(at + 1).strip();
        for (String c : texts) candidates.add(new Candidate(sentence.substring(0, at) + c, rest));
      } else {
        String context = prompt.render(fields);
        for (String c : texts)
          candidates.add(new Candidate(context, continuation.render(p -> p.equals("choice") ? c : fields.get(p))));
      }
      return new Example(candidates, right);
    };
  }

  private int gold(JsonNode record, List<String> texts, Path file, long line) throws TaskFormatException {
    JsonNode value = ExampleReader.field(record, goldField, file, line);
    String v = value.asText();
    int at = switch (gold) {
      case INDEX, INDEX1 -> {
        if (!v.matches("\\d{1,9}")) throw new TaskFormatException(file, line, goldField, "expected a choice number, found '" + v + "'");
        yield Integer.parseInt(v) - (gold == GoldFormat.INDEX1 ? 1 : 0);
      }
      case KEY -> {
        JsonNode keys = ExampleReader.field(record, choiceKeys, file, line);
        int k = -1;
        for (int i = 0; i < keys.size(); i++) if (keys.get(i).asText().equals(v)) k = i;
        if (k < 0) throw new TaskFormatException(file, line, goldField, "answer key '" + v + "' not among " + keys);
        yield k;
      }
      case TEXT -> {
        int k = texts.indexOf(v);
        if (k < 0) throw new TaskFormatException(file, line, goldField, "answer '" + v + "' is not one of the choices");
        yield k;
      }
    };
    if (at < 0 || at >= texts.size())
      throw new TaskFormatException(file, line, goldField, "answer " + v + " outside the " + texts.size() + " choices");
    return at;
  }

  @Override
  public Metric metric() {
    return METRIC;
  }

  /** acc from each choice's summed log-likelihood, acc_norm from it per character. */
  private static MultipleChoiceMetrics metrics(List<Example> examples, List<Score> scores) {
    List<int[]> characters = new ArrayList<>(examples.size());
    for (Example e : examples)
      characters.add(e.candidates().stream().mapToInt(c -> MultipleChoiceMetrics.characters(c.continuation())).toArray());
    return MultipleChoiceMetrics.of(Metric.perCandidate(examples, scores, Score::logProb), characters, Metric.gold(examples));
  }
}
