package overtrain.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * A token of tokenizer.json's added_tokens. A special one (an end of text, a padding) is only
 * ever placed by id: its text in the input is ordinary text. An added token that is not special
 * (GPT-NeoX's runs of spaces, OLMo's |||IP_ADDRESS|||) is found in the text before anything
 * else, as Hugging Face finds it: in the raw text, or, when {@code normalized}, in the text after
 * the normalizer (matched against its content normalized the same way).
 */
record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized,
    boolean special) {
  static AddedToken special(int id, String content) {
    return new AddedToken(id, content, false, false, false, false, true);
  }

  /** Receives the stretches of a text: added tokens (their ids) and the text between. */
  interface Sink {
    void token(int id);

    void text(int from, int to);
  }

  /**
   * Finds added tokens as Hugging Face's Aho-Corasick automaton does with its leftmost-longest
   * rule: the match that starts first, and the longest of those, then on after its end.
   */
  static final class Matcher {
    /** A trie over chars; children sorted by char. */
    private static final class Node {
      char[] keys = new char[0];
      Node[] children = new Node[0];
      int id = -1;

      Node child(char c) {
        int i = Arrays.binarySearch(keys, c);
        return i >= 0 ? children[i] : null;
      }

      Node add(char c) {
        int i = Arrays.binarySearch(keys, c);
        if (i >= 0) return children[i];
        int at = -i - 1;
        keys = insert(keys, at, c);
        Node[] grown = Arrays.copyOf(children, children.length + 1);
        System.arraycopy(children, at, grown, at + 1, children.length - at);
        grown[at] = new Node();
        children = grown;
        return grown[at];
      }

      private static char[] insert(char[] a, int at, char c) {
        char[] grown = Arrays.copyOf(a, a.length + 1);
        System.arraycopy(a, at, grown, at + 1, a.length - at);
        grown[at] = c;
        return grown;
      }
    }

    private final Node root = new Node();

    /** Matches {@code patterns[i]} as token {@code ids[i]}; the first of equal patterns wins. */
    Matcher(List<String> patterns, List<Integer> ids) {
      for (int i = 0; i < patterns.size(); i++) {
        Node n = root;
        for (int c = 0; c < patterns.get(i).length(); c++) n = n.add(patterns.get(i).charAt(c));
        if (n.id < 0) n.id = ids.get(i);
      }
    }

    void split(String text, Sink sink) {
      int last = 0, i = 0;
      while (i < text.length()) {
        Node n = root;
        int end = -1, id = -1;
        for (int j = i; j < text.length() && (n = n.child(text.charAt(j))) != null; j++) {
          if (n.id >= 0) {
            end = j + 1;
            id = n.id;
          }
        }
        if (end < 0) {
          i++;
          continue;
        }
        if (i > last) sink.text(last, i);
        sink.token(id);
        last = i = end;
      }
      if (last < text.length()) sink.text(last, text.length());
    }
  }
}
