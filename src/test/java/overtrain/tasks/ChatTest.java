package overtrain.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTest {
  @Test
  void hhTranscriptParsesIntoTurnsKeepingInnerNewlines() {
    List<Chat.Message> turns = Chat.parseHh("\n\nHuman: Write a list:\n- a\n- b\n\nAssistant: Sure.\n\n- a\n\nHuman: Thanks\n\nAssistant: ");
    assertEquals(List.of(new Chat.Message("user", "Write a list:\n- a\n- b"), new Chat.Message("assistant", "Sure.\n\n- a"),
        new Chat.Message("user", "Thanks"), new Chat.Message("assistant", "")), turns);
  }

  @Test
  void textBeforeTheFirstTurnOrNoTurnsAreErrors() {
    assertThrows(IllegalArgumentException.class, () -> Chat.parseHh("preface\n\nHuman: hi\n\nAssistant: yo"));
    assertThrows(IllegalArgumentException.class, () -> Chat.parseHh("Human: hi Assistant: yo"));
    assertThrows(IllegalArgumentException.class,
        () -> Chat.toCandidate(List.of(new Chat.Message("robot", "x"), new Chat.Message("assistant", "y"))));
  }
}
