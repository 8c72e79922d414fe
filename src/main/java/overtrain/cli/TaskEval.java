package overtrain.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import overtrain.checkpoint.Checkpoint;
import overtrain.eval.CandidateEncoder;
import overtrain.eval.TaskEvaluation;
import overtrain.eval.TaskEvaluator;
import overtrain.model.OlmoModel;
import overtrain.tasks.Example;
import overtrain.tasks.Task;
import overtrain.tokenizer.Tokenizer;

/**
 * The task form of {@code overtrain eval}: a checkpoint scored on one split of a task through
 * the same batched forward-only path fine-tuning uses.
 */
final class TaskEval {
  private TaskEval() {}

  /** A task folder or spec file when the path exists, else a name under {@code tasksDir}. */
  static Task resolveTask(String task, Path tasksDir) throws IOException {
    Path direct = Path.of(task);
    return Task.load(Files.exists(direct) ? direct : tasksDir.resolve(task));
  }

  /** The tokenizer named, or else the one saved beside the checkpoint. */
  static String tokenizerSource(String tokenizer, Path model) {
    if (tokenizer != null) return tokenizer;
    Path beside = model.resolve("tokenizer.json");
    if (!Files.isRegularFile(beside)) {
      throw new IllegalArgumentException(
          model + " holds no tokenizer.json: name the tokenizer with --tokenizer FILE|NAME");
    }
    return beside.toString();
  }

  /**
   * Scores {@code split} of {@code task}; {@code maxExamples} > 0 keeps only the first ones.
   */
  static TaskEvaluation run(Path model, Task task, String split, String tokenizer, int batch,
      int maxExamples) throws IOException {
    Checkpoint.Loaded loaded = Checkpoint.load(model);
    Tokenizer tok = Tokenizer.loadOrNamed(tokenizer);
    if (tok.vocabSize() > loaded.config().vocabSize()) {
      throw new IllegalArgumentException("tokenizer " + tokenizer + " has " + tok.vocabSize()
          + " tokens but the model " + model + " only " + loaded.config().vocabSize());
    }
    List<Example> examples = task.examples(split);
    if (maxExamples > 0 && examples.size() > maxExamples) examples = examples.subList(0, maxExamples);
    OlmoModel olmo = new OlmoModel(loaded.config(), loaded.params());
    TaskEvaluator evaluator = new TaskEvaluator(
        olmo::targetLogProbs, new CandidateEncoder(tok, loaded.config().maxContext()), batch);
    Progress[] bar = new Progress[1];
    TaskEvaluation result = evaluator.evaluate(task.spec().type(), examples,
        new TaskEvaluator.Listener() {
          @Override
          public void begin(int sequences) {
            bar[0] = new Progress("scoring " + task.name() + "/" + split, sequences);
          }

          @Override
          public void scored(int sequences) {
            bar[0].advance(sequences);
          }
        });
    bar[0].finish(result.truncated() + " of " + result.candidates() + " inputs cut on the left to fit");
    return result;
  }
}
