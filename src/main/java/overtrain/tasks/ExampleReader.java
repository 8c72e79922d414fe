package overtrain.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a task's JSONL records into examples, as its spec says. */
public final class ExampleReader {
  private final TaskSpec spec;
  private final Template prompt;
  private final Template response;
  private final Template continuation;

  public ExampleReader(TaskSpec spec) {
    this.spec = spec;
    this.prompt = spec.promptTemplate();
    this.response = spec.responseTemplate() == null ? null : new Template(spec.responseTemplate());
    this.continuation = spec.continuationTemplate();
  }

  /** Every example of a JSONL file, in file order. */
  public List<Example> read(Path file) throws IOException {
    List<Example> out = new ArrayList<>();
    Jsonl.read(file, (record, line) -> out.add(toExample(record, file, line)));
    return out;
  }

  /** One record as an example; {@code file} and {@code line} are named in errors. */
  public Example toExample(JsonNode record, Path file, long line) throws TaskFormatException {
    Template.Lookup fields = path -> text(record, path, file, line);
    return switch (spec.type()) {
      case LM -> new Example(List.of(new Candidate("", prompt.render(fields))), 0);
      case CLASSIFICATION -> classification(record, prompt.render(fields), file, line);
      case INSTRUCTION -> new Example(List.of(instruction(record, fields, file, line)), 0);
      case MULTIPLE_CHOICE -> multipleChoice(record, fields, file, line);
    };
  }

  private Example classification(JsonNode record, String context, Path file, long line) throws TaskFormatException {
    List<Label> labels = spec.labels();
    JsonNode value = field(record, spec.labelField(), file, line);
    int gold = -1;
    if (value.isIntegralNumber()) {
      gold = value.asInt();
      if (gold < 0 || gold >= labels.size())
        throw new TaskFormatException(file, line, spec.labelField(),
            "label number " + value.asText() + " outside 0.." + (labels.size() - 1));
    } else if (value.isTextual() || value.isBoolean()) {
      for (int i = 0; i < labels.size(); i++) if (labels.get(i).name().equals(value.asText())) gold = i;
      // Some exports write class numbers as strings ("1"); names win where both could match.
      if (gold < 0 && value.asText().matches("\\d{1,9}") && Integer.parseInt(value.asText()) < labels.size())
        gold = Integer.parseInt(value.asText());
      if (gold < 0)
        throw new TaskFormatException(file, line, spec.labelField(), "unknown label '" + value.asText()
            + "', expected one of " + labels.stream().map(Label::name).toList() + " or a class number");
    } else {
      throw new TaskFormatException(file, line, spec.labelField(), "expected a label name or number, found " + value.getNodeType());
    }
    List<Candidate> candidates = new ArrayList<>();
    for (Label l : labels) candidates.add(new Candidate(context, l.verbalizer()));
    return new Example(candidates, gold);
  }

  private Candidate instruction(JsonNode record, Template.Lookup fields, Path file, long line) throws TaskFormatException {
    if (response != null) return new Candidate(prompt.render(fields), response.render(fields));
    List<Chat.Message> turns = new ArrayList<>();
    String field = spec.messagesField() != null ? spec.messagesField() : spec.transcriptField();
    try {
      if (spec.messagesField() != null) {
        JsonNode messages = field(record, field, file, line);
        if (!messages.isArray()) throw new TaskFormatException(file, line, field, "expected a list of {role, content}");
        for (JsonNode m : messages) {
          JsonNode role = m.get("role");
          JsonNode content = m.get("content");
          if (role == null || !role.isTextual() || content == null || !content.isTextual())
            throw new TaskFormatException(file, line, field, "each message needs a 'role' and a 'content' string");
          turns.add(new Chat.Message(role.asText(), content.asText()));
        }
      } else {
        turns.addAll(Chat.parseHh(text(record, field, file, line)));
      }
      return Chat.toCandidate(turns);
    } catch (IllegalArgumentException e) {
      throw new TaskFormatException(file, line, field, e.getMessage());
    }
  }

  private Example multipleChoice(JsonNode record, Template.Lookup fields, Path file, long line) throws TaskFormatException {
    List<String> choices = new ArrayList<>();
    for (String path : spec.choices()) {
      JsonNode node = field(record, path, file, line);
      if (node.isArray()) for (JsonNode item : node) choices.add(scalar(item, path, file, line));
      else choices.add(scalar(node, path, file, line));
    }
    if (choices.size() < 2) throw new TaskFormatException(file, line, String.join(",", spec.choices()), "fewer than 2 choices");
    int gold = gold(record, choices, file, line);
    List<Candidate> candidates = new ArrayList<>();
    if (spec.blank() != null) {
      // Winogrande, scored as lm-evaluation-harness does: each choice fills the blank in the
      // context, and the shared rest of the sentence is the continuation.
      String sentence = text(record, spec.blank(), file, line);
      int at = sentence.indexOf('_');
      if (at < 0) throw new TaskFormatException(file, line, spec.blank(), "no '_' blank in the sentence");
      String rest = " " + sentence.substring(at + 1).strip();
      for (String c : choices) candidates.add(new Candidate(sentence.substring(0, at) + c, rest));
    } else {
      String context = prompt.render(fields);
      for (String c : choices)
        candidates.add(new Candidate(context, continuation.render(p -> p.equals("choice") ? c : fields.get(p))));
    }
    return new Example(candidates, gold);
  }

  private int gold(JsonNode record, List<String> choices, Path file, long line) throws TaskFormatException {
    String field = spec.goldField();
    JsonNode value = field(record, field, file, line);
    String v = value.asText();
    int gold = switch (spec.gold()) {
      case INDEX, INDEX1 -> {
        if (!v.matches("\\d{1,9}")) throw new TaskFormatException(file, line, field, "expected a choice number, found '" + v + "'");
        yield Integer.parseInt(v) - (spec.gold() == GoldFormat.INDEX1 ? 1 : 0);
      }
      case KEY -> {
        JsonNode keys = field(record, spec.choiceKeys(), file, line);
        int at = -1;
        for (int i = 0; i < keys.size(); i++) if (keys.get(i).asText().equals(v)) at = i;
        if (at < 0) throw new TaskFormatException(file, line, field, "answer key '" + v + "' not among " + keys);
        yield at;
      }
      case TEXT -> {
        int at = choices.indexOf(v);
        if (at < 0) throw new TaskFormatException(file, line, field, "answer '" + v + "' is not one of the choices");
        yield at;
      }
    };
    if (gold < 0 || gold >= choices.size())
      throw new TaskFormatException(file, line, field, "answer " + v + " outside the " + choices.size() + " choices");
    return gold;
  }

  private static JsonNode field(JsonNode record, String path, Path file, long line) throws TaskFormatException {
    JsonNode node = Template.at(record, path);
    if (node == null) throw new TaskFormatException(file, line, path, "missing");
    return node;
  }

  private static String text(JsonNode record, String path, Path file, long line) throws TaskFormatException {
    return scalar(field(record, path, file, line), path, file, line);
  }

  private static String scalar(JsonNode node, String path, Path file, long line) throws TaskFormatException {
    if (!node.isValueNode() || node.isNull())
      throw new TaskFormatException(file, line, path, "expected text, found " + node.getNodeType());
    return node.asText();
  }
}
