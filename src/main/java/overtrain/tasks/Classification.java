package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import overtrain.tasks.metrics.ClassificationMetrics;
import overtrain.tasks.metrics.Score;

/**
 * An input text and one label among named classes: one candidate per class, each the prompt
 * continued by the class's verbalizer. A record's label is a class name, a 0-based class
 * number, or true/false. Scored as the paper does, by each class's length-normalised
 * log-likelihood (see {@link ClassificationMetrics}).
 *
 * @param labelField the record field holding the label
 * @param labels the classes, each a name and a verbalizer
 */
public record Classification(String labelField, List<Label> labels) implements TaskType {
  public static final String KEY = "classification";
  public static final Metric METRIC = new Metric(KEY, true, Classification::metrics);

  public Classification {
    labels = labels == null ? null : List.copyOf(labels);
  }

  static Classification read(SpecKeys keys) throws TaskFormatException {
    return new Classification(keys.text("label_field"), keys.labels("labels"));
  }

  @Override
  public void write(ObjectNode spec) {
    SpecKeys.put(spec, "label_field", labelField);
    SpecKeys.put(spec, "labels", labels);
  }

  @Override
  public void check(TaskSpec spec, Path file) throws TaskFormatException {
    TaskSpec.require(file, "template", spec.template());
    TaskSpec.require(file, "label_field", labelField);
    TaskSpec.require(file, "labels", labels);
    if (labels.size() < 2) throw new TaskFormatException(file, 0, "labels", "a classification task needs at least 2 labels");
    Set<String> names = new HashSet<>();
    for (Label l : labels)
      if (!names.add(l.name())) throw new TaskFormatException(file, 0, "labels", "label '" + l.name() + "' named twice");
  }

  @Override
  public Reader reader(TaskSpec spec) {
    Template prompt = new Template(spec.template());
    return (record, file, line) -> {
      String context = prompt.render(path -> ExampleReader.text(record, path, file, line));
      List<Candidate> candidates = new ArrayList<>();
      for (Label l : labels) candidates.add(new Candidate(context, l.verbalizer()));
      return new Example(candidates, gold(record, file, line));
    };
  }

  private int gold(JsonNode record, Path file, long line) throws TaskFormatException {
    JsonNode value = ExampleReader.field(record, labelField, file, line);
    int gold = -1;
    if (value.isIntegralNumber()) {
      gold = value.asInt();
      if (gold < 0 || gold >= labels.size())
        throw new TaskFormatException(file, line, labelField,
            "label number " + value.asText() + " outside 0.." + (labels.size() - 1));
    } else if (value.isTextual() || value.isBoolean()) {
      for (int i = 0; i < labels.size(); i++) if (labels.get(i).name().equals(value.asText())) gold = i;
      // Some exports write class numbers as strings ("1"); names win where both could match.
      if (gold < 0 && value.asText().matches("\\d{1,9}") && Integer.parseInt(value.asText()) < labels.size())
        gold = Integer.parseInt(value.asText());
      if (gold < 0)
        throw new TaskFormatException(file, line, labelField, "unknown label '" + value.asText()
            + "', expected one of " + labels.stream().map(Label::name).toList() + " or a class number");
    } else {
      throw new TaskFormatException(file, line, labelField, "expected a label name or number, found " + value.getNodeType());
    }
    return gold;
  }

  @Override
  public Metric metric() {
    return METRIC;
  }

  /** Each class scored by its mean log-probability per label token. */
  private static ClassificationMetrics metrics(List<Example> examples, List<Score> scores) {
    return ClassificationMetrics.of(Metric.perCandidate(examples, scores, Score::meanLogProb), Metric.gold(examples));
  }
}
