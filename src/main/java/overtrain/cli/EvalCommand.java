package overtrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.eval.TaskEvaluation;
import overtrain.eval.TaskEvaluator;
import overtrain.eval.TokenLoss;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.model.OlmoModel;
import overtrain.tasks.Example;
import overtrain.tasks.Task;
import overtrain.tasks.encoding.CandidateEncoder;
import overtrain.tokenizer.Tokenizer;
import overtrain.tokenizer.TokenizerSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code overtrain eval}: a checkpoint's loss on a token file, or its metrics on a task split.
 * Both forms score forward-only in batches.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "With --tokens: mean next-token cross-entropy (nats) and perplexity of a checkpoint on a"
          + " token file, scored over consecutive non-overlapping windows from the start of the file.",
      "With --task: the checkpoint's metrics on a task split. Classification: accuracy and the"
          + " perplexity over the classes, each class scored by the length-normalised log-likelihood"
          + " of its label words. Multiple choice: acc and acc_norm as lm-evaluation-harness defines"
          + " them. Language modelling and instructions: loss and perplexity on the text or responses.",
      "Limits (--max-tokens, --max-examples): 0, the default, means no limit; a negative one is an error."
    },
    sortOptions = false)
public final class EvalCommand implements Callable<Integer> {
  @Mixin SharedOptions.Model modelOption;
  @Mixin SharedOptions.Precision precision;

  @Option(names = "--tokens", paramLabel = "FILE.npy", description = "1-D uint16/uint32 token file")
  Path tokens;

  @Option(names = "--task", paramLabel = "TASK",
      description = "task folder or spec file, or a task name under --tasks-dir (instead of --tokens)")
  String task;

  @Option(names = "--split", defaultValue = "test", description = "task split to score (default ${DEFAULT-VALUE})")
  String split;

  @Mixin SharedOptions.Tasks tasks;

  @Option(names = "--max-examples", paramLabel = "N", defaultValue = "0",
      description = "for --task: score the first N examples only; 0 for all (default ${DEFAULT-VALUE})")
  int maxExamples;

  @Option(names = "--context", defaultValue = "0",
      description = "window length (default 0: the model's max_position_embeddings)")
  int context;

  @Option(names = "--batch", defaultValue = "8",
      description = "windows (or task sequences) per forward pass (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
      description = "for --tokens: score at most N tokens (whole windows); 0 for the whole file (default ${DEFAULT-VALUE})")
  long maxTokens;

  @Option(names = "--json",
      description = "print one JSON object: loss, perplexity, tokens, context; for --task, the task's metrics")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if ((tokens == null) == (task == null)) {
      throw new IllegalArgumentException("give one of --tokens FILE.npy or --task TASK");
    }
    // One convention for every limit: 0 is none. Checked before the model is read.
    if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0 (0: the whole file), got " + maxTokens);
    if (maxExamples < 0) throw new IllegalArgumentException("--max-examples must be >= 0 (0: all), got " + maxExamples);
    if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
    if (task != null) return callTask();
    Checkpoint.Loaded loaded = Loading.checkpoint(modelOption.dir, precision.resolve(modelOption.dir));
    int ctx = loaded.config().window(context);
    TokenFile file = TokenFile.open(tokens, loaded.config().vocabSize());
    long limit = maxTokens == 0 ? Long.MAX_VALUE : maxTokens;
    Progress progress = new Progress("eval (tokens)", TokenLoss.tokensScored(file, ctx, limit));
    long start = System.nanoTime();
    TokenLoss.Result r = TokenLoss.evaluate(new OlmoModel(loaded.config(), loaded.params()), file, ctx, batch,
        limit, (done, total) -> progress.advanceTo(done));
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.finish(String.format(java.util.Locale.ROOT, "scored %d tokens in %.1f s, %.1f tokens/s",
        r.tokens(), seconds, r.tokens() / seconds));
    if (json) {
      ObjectNode o = Json.object();
      o.put("loss", r.loss());
      o.put("perplexity", r.perplexity());
      o.put("tokens", r.tokens());
      o.put("context", ctx);
      o.put("model", modelOption.dir.toString());
      o.put("file", tokens.toString());
      System.out.println(o);
    } else {
      System.out.printf("loss %.6f nats, perplexity %.4f over %d tokens (context %d)%n",
          r.loss(), r.perplexity(), r.tokens(), ctx);
    }
    return 0;
  }

  private int callTask() throws Exception {
    Task t = Task.resolve(task, tasks.dir);
    String tok = TokenizerSource.resolve(tasks.tokenizer, modelOption.dir);
    TaskEvaluation e = scoreTask(t, tok);
    if (json) {
      ObjectNode o = Configs.JSON.valueToTree(e);
      o.put("model", modelOption.dir.toString());
      o.put("task", t.name());
      o.put("split", split);
      o.put("tokenizer", tok);
      System.out.println(o);
    } else {
      System.out.printf("%s/%s: %s (%d examples, %d inputs cut on the left)%n",
          t.name(), split, e.metrics().summary(), e.examples(), e.truncated());
    }
    return 0;
  }

  /**
   * Scores {@code split} of {@code task} through the same batched forward-only path
   * fine-tuning uses; {@code maxExamples} > 0 keeps only the first ones.
   */
  private TaskEvaluation scoreTask(Task task, String tokenizer) throws IOException {
    Checkpoint.Loaded loaded = Loading.checkpoint(modelOption.dir, precision.resolve(modelOption.dir));
    Tokenizer tok = Tokenizer.loadOrNamed(tokenizer);
    loaded.config().requireVocabulary(tok.vocabSize(), "tokenizer " + tokenizer, modelOption.dir);
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
