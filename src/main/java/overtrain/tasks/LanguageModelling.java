package overtrain.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import overtrain.tasks.metrics.LossMetrics;

/**
 * Plain text: one candidate with an empty context, every token of the text (the record's
 * {@code text} field, or {@code template} rendered) scored. Scored by the loss per token.
 */
public record LanguageModelling() implements TaskType {
  public static final String KEY = "lm";
  public static final Metric METRIC = new Metric(KEY, false, (examples, scores) -> LossMetrics.of(scores));

  static LanguageModelling read(SpecKeys keys) {
    return new LanguageModelling();
  }

  @Override
  public void write(ObjectNode spec) {}

  @Override
  public void check(TaskSpec spec, Path file) {}

  @Override
  public Reader reader(TaskSpec spec) {
    Template text = new Template(spec.template() != null ? spec.template() : "{text}");
    return (record, file, line) -> new Example(
        List.of(new Candidate("", text.render(path -> ExampleReader.text(record, path, file, line)))), 0);
  }

  @Override
  public Metric metric() {
    return METRIC;
  }
}
