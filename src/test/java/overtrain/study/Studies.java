package overtrain.study;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers the study tests share: selftest study files, a clean reference run, worker commands. */
final class Studies {
  private Studies() {}

  /** Writes a selftest study file whose folder is {@code root/name}. */
  static Path selftest(Path root, String name, String selftest) throws IOException {
    Files.createDirectories(root);
    return Files.writeString(root.resolve(name + ".yaml"), String.join("\n",
        "name: " + name,
        "dir: " + root.resolve(name),
        "claim_timeout: 2",
        "selftest: " + selftest, ""));
  }

  /** Runs every cell in this process, in stage order, with nothing interrupting it. */
  static StudyDir runClean(Path file) throws Exception {
    StudyPlan plan = StudyFile.load(file);
    StudyDir dir = new StudyDir(plan);
    dir.prepare(file);
    CellRunner runner = new CellRunner(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    for (List<Cell> stage : plan.stages()) for (Cell c : stage) runner.run(c.id());
    return dir;
  }

  /** The command that starts {@code overtrain ARGS} in a fresh JVM with this one's class path. */
  static List<String> overtrain(String... args) {
    List<String> cmd = new ArrayList<>(JavaCommand.of("1", "overtrain.cli.Main", List.of(args)));
    // The test JVM's heap setting is for the whole suite; a worker needs little.
    cmd.add(cmd.indexOf("-cp"), "-Xmx256m");
    return cmd;
  }

  /** How many times a cell's log says it finished the cell. */
  static long completions(StudyDir dir, String id) throws IOException {
    Path log = dir.log(id);
    if (!Files.exists(log)) return 0;
    return Files.readAllLines(log).stream().filter(l -> l.startsWith("run-cell: done " + id)).count();
  }
}
