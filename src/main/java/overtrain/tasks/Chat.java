package overtrain.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chats as instruction examples. A chat is rendered with TULU's role markers
 * ({@code <|system|>}, {@code <|user|>}, {@code <|assistant|>}, each on its own line); the
 * last assistant turn is the response and everything before it, ending in the assistant
 * marker, is the prompt. Anthropic-HH transcripts ({@code "\n\nHuman: ...\n\nAssistant: ..."})
 * are parsed into the same turns.
 */
public final class Chat {
  public static final Set<String> ROLES = Set.of("system", "user", "assistant");
  private static final Pattern HH_TURN = Pattern.compile("\n\n(Human|Assistant):");

  private Chat() {}

  /** One turn of a chat. */
  public record Message(String role, String content) {}

  public static String marker(String role) {
    return "<|" + role + "|>\n";
  }

  /**
   * The (prompt, response) pair of a chat whose last turn is the assistant's. Throws
   * IllegalArgumentException naming the problem; callers add the file and line.
   */
  public static Candidate toCandidate(List<Message> messages) {
    if (messages.isEmpty()) throw new IllegalArgumentException("the chat has no turns");
    Message last = messages.get(messages.size() - 1);
    if (!last.role().equals("assistant"))
      throw new IllegalArgumentException("the last turn is '" + last.role() + "', expected 'assistant'");
    StringBuilder prompt = new StringBuilder();
    for (Message m : messages.subList(0, messages.size() - 1)) {
      if (!ROLES.contains(m.role()))
        throw new IllegalArgumentException("unknown role '" + m.role() + "', expected one of system, user, assistant");
      prompt.append(marker(m.role())).append(m.content()).append('\n');
    }
    prompt.append(marker("assistant"));
    return new Candidate(prompt.toString(), last.content());
  }

  /** The turns of an Anthropic-HH transcript; text before the first turn is an error. */
  public static List<Message> parseHh(String transcript) {
    Matcher m = HH_TURN.matcher(transcript);
    List<Message> turns = new ArrayList<>();
    int start = -1;
    String role = null;
    while (m.find()) {
      if (role == null && !transcript.substring(0, m.start()).isBlank())
        throw new IllegalArgumentException("text before the first 'Human:' or 'Assistant:' turn");
      if (role != null) turns.add(new Message(role, transcript.substring(start, m.start()).strip()));
      role = m.group(1).equals("Human") ? "user" : "assistant";
      start = m.end();
    }
    if (role == null) throw new IllegalArgumentException("no '\\n\\nHuman:' or '\\n\\nAssistant:' turn found");
    turns.add(new Message(role, transcript.substring(start).strip()));
    return turns;
  }
}
