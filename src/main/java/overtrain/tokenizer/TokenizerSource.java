package overtrain.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which tokenizer goes with a checkpoint: the one named, or else the one saved beside it. */
public final class TokenizerSource {
  /** The file a checkpoint's folder holds its tokenizer in. */
  public static final String FILE = "tokenizer.json";

  private TokenizerSource() {}

  /**
   * {@code named} (a tokenizer.json or a built-in name) when given, else {@code model}'s own
   * tokenizer.json; an error saying how to name one when the folder has none.
   */
  public static String resolve(String named, Path model) {
    if (named != null) return named;
    Path beside = model.resolve(FILE);
    if (!Files.isRegularFile(beside)) {
      throw new IllegalArgumentException(
          model + " holds no " + FILE + ": name the tokenizer with --tokenizer FILE|NAME");
    }
    return beside.toString();
  }
}
