package overtrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages are layers and none imports one above it, so that a layer can be read, tested and
 * changed knowing only what lies under it (kernels know nothing of models, models nothing of
 * files, files nothing of studies). A sub-package belongs to its top package's layer.
 */
class LayeringTest {

  /** Bottom to top. A new package goes here, in its place, before it can be used. */
  static final List<String> LAYERS = List.of(
      "kernels", "io", "formats", "tokenizer", "data", "tasks", "model", "optim", "checkpoint",
      "eval", "train", "perturb", "finetune", "multimodal", "theory", "study", "report", "cli");

  private static final Path MAIN = Path.of("src", "main", "java", "overtrain");
  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?overtrain\\.([A-Za-z_][A-Za-z0-9_]*)\\b");

  @Test
  void noPackageImportsOneAboveIt() throws IOException {
    assertTrue(Files.isDirectory(MAIN), MAIN.toAbsolutePath() + ": main sources not found");
    List<String> problems = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(MAIN)) {
      for (Path file : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        files++;
        problems.addAll(check(MAIN.relativize(file), Files.readAllLines(file)));
      }
    }
    assertTrue(files > 0, "no .java files under " + MAIN);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theCheckCatchesAnUpwardImportAndAnUnlistedPackage() {
    assertEquals(List.of(), check(Path.of("eval", "X.java"),
        List.of("package overtrain.eval;", "import overtrain.tasks.Example;",
            "import static overtrain.kernels.Gemm.sgemm;", "import overtrain.eval.Score;")));
    List<String> upward = check(Path.of("model", "layers", "X.java"),
        List.of("import static overtrain.train.Trainer.run;"));
    assertEquals(1, upward.size(), upward.toString());
    assertTrue(upward.get(0).contains("model imports train"), upward.get(0));
    List<String> unlisted = check(Path.of("cli", "X.java"), List.of("import overtrain.newthing.Y;"));
    assertEquals(1, unlisted.size(), unlisted.toString());
    assertTrue(unlisted.get(0).contains("add it to LayeringTest.LAYERS"), unlisted.get(0));
    List<String> ownUnlisted = check(Path.of("newthing", "X.java"), List.of());
    assertEquals(1, ownUnlisted.size(), ownUnlisted.toString());
  }

  /** What is wrong with one source file, given its path under {@code overtrain/} and its lines. */
  static List<String> check(Path relative, List<String> lines) {
    List<String> problems = new ArrayList<>();
    String where = "src/main/java/overtrain/" + relative.toString().replace('\\', '/');
    if (relative.getNameCount() < 2) {
      problems.add(where + ": lies outside every layer; put it in one of the packages " + LAYERS);
      return problems;
    }
    String own = relative.getName(0).toString();
    int ownLayer = LAYERS.indexOf(own);
    if (ownLayer < 0) {
      problems.add(where + ": package overtrain." + own
          + " is not a layer; add it to LayeringTest.LAYERS in its place (bottom to top)");
      return problems;
    }
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = IMPORT.matcher(lines.get(i));
      if (!m.find()) continue;
      String imported = m.group(1);
      int layer = LAYERS.indexOf(imported);
      if (layer < 0) {
        problems.add(where + ":" + (i + 1) + ": imports overtrain." + imported
            + ", which is not a layer; add it to LayeringTest.LAYERS in its place (bottom to top)");
      } else if (layer > ownLayer) {
        problems.add(where + ":" + (i + 1) + ": " + own + " imports " + imported
            + ", a layer above it (" + lines.get(i).trim() + ")");
      }
    }
    return problems;
  }
}
