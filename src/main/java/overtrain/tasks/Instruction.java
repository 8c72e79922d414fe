package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import overtrain.tasks.metrics.LossMetrics;

/**
 * A prompt (or a chat) and the response the model must produce: one candidate. The pair comes
 * from exactly one of {@code response_template} (with {@code template} for the prompt), a
 * {@code messages_field} holding a list of {@code {role, content}}, or a
 * {@code transcript_field} holding an Anthropic-HH transcript; chats are rendered by
 * {@link Chat}. Scored by the loss per response token.
 */
public record Instruction(String responseTemplate, String messagesField, String transcriptField)
    implements TaskType {
  public static final String KEY = "instruction";
  public static final Metric METRIC = new Metric(KEY, false, (examples, scores) -> LossMetrics.of(scores));

  static Instruction read(SpecKeys keys) throws TaskFormatException {
    return new Instruction(keys.text("response_template"), keys.text("messages_field"), keys.text("transcript_field"));
  }

  @Override
  public void write(ObjectNode spec) {
    SpecKeys.put(spec, "response_template", responseTemplate);
    SpecKeys.put(spec, "messages_field", messagesField);
    SpecKeys.put(spec, "transcript_field", transcriptField);
  }

  @Override
  public void check(TaskSpec spec, Path file) throws TaskFormatException {
    long forms = Stream.of(responseTemplate, messagesField, transcriptField).filter(Objects::nonNull).count();
    if (forms != 1)
      throw new TaskFormatException(file, 0, null,
          "an instruction task needs exactly one of response_template, messages_field, transcript_field");
    if (responseTemplate != null) TaskSpec.require(file, "template", spec.template());
    else if (spec.template() != null)
      throw new TaskFormatException(file, 0, "template", "a chat task is rendered by the chat template; remove 'template'");
  }

  @Override
  public Reader reader(TaskSpec spec) {
    if (responseTemplate != null) {
      Template prompt = new Template(spec.template());
      Template response = new Template(responseTemplate);
      return (record, file, line) -> {
        Template.Lookup fields = path -> ExampleReader.text(record, path, file, line);
        return new Example(List.of(new Candidate(prompt.render(fields), response.render(fields))), 0);
      };
    }
    return (record, file, line) -> new Example(List.of(chat(record, file, line)), 0);
  }

  private Candidate chat(JsonNode record, Path file, long line) throws TaskFormatException {
    List<Chat.Message> turns = new ArrayList<>();
    String field = messagesField != null ? messagesField : transcriptField;
    try {
      if (messagesField != null) {
        JsonNode messages = ExampleReader.field(record, field, file, line);
        if (!messages.isArray()) throw new TaskFormatException(file, line, field, "expected a list of {role, content}");
        for (JsonNode m : messages) {
          JsonNode role = m.get("role");
          JsonNode content = m.get("content");
          if (role == null || !role.isTextual() || content == null || !content.isTextual())
            throw new TaskFormatException(file, line, field, "each message needs a 'role' and a 'content' string");
          turns.add(new Chat.Message(role.asText(), content.asText()));
        }
      } else {
        turns.addAll(Chat.parseHh(ExampleReader.text(record, field, file, line)));
      }
      return Chat.toCandidate(turns);
    } catch (IllegalArgumentException e) {
      throw new TaskFormatException(file, line, field, e.getMessage());
    }
  }

  @Override
  public Metric metric() {
    return METRIC;
  }
}
