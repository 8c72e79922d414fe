package overtrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import overtrain.checkpoint.Checkpoint;
import overtrain.data.TokenFile;
import overtrain.model.OlmoModel;
import overtrain.train.TokenLoss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overtrain eval}: a checkpoint's loss on a token file. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Mean next-token cross-entropy (nats) and perplexity of a checkpoint on a token file,",
      "scored over consecutive non-overlapping windows from the start of the file."
    },
    sortOptions = false)
public final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "checkpoint directory (config.json + model.safetensors)")
  Path model;

  @Option(names = "--tokens", required = true, paramLabel = "FILE.npy", description = "1-D uint16/uint32 token file")
  Path tokens;

  @Option(names = "--context", description = "window length (default: the model's max_position_embeddings)")
  Integer context;

  @Option(names = "--batch", defaultValue = "8", description = "windows per forward pass (default ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--max-tokens", description = "score at most this many tokens (default: the whole file)")
  Long maxTokens;

  @Option(names = "--json", description = "print one JSON object: loss, perplexity, tokens, context")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Checkpoint.Loaded loaded = Checkpoint.load(model);
    int ctx = context == null ? loaded.config().maxContext() : context;
    if (ctx < 1 || ctx > loaded.config().maxContext()) {
      throw new IllegalArgumentException("--context " + ctx + " must be in [1, " + loaded.config().maxContext()
          + "] (the model's max_position_embeddings)");
    }
    if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
    TokenFile file = TokenFile.open(tokens, loaded.config().vocabSize());
    long limit = maxTokens == null ? Long.MAX_VALUE : maxTokens;
    Progress progress = new Progress("eval", Math.min((file.length() - 1) / ctx, limit / ctx));
    TokenLoss.Result r = TokenLoss.evaluate(new OlmoModel(loaded.config(), loaded.params()), file, ctx, batch,
        limit, (done, total) -> progress.update(done, ""));
    progress.finish();
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("loss", r.loss());
      o.put("perplexity", r.perplexity());
      o.put("tokens", r.tokens());
      o.put("context", ctx);
      o.put("model", model.toString());
      o.put("file", tokens.toString());
      System.out.println(o);
    } else {
      System.out.printf("loss %.6f nats, perplexity %.4f over %d tokens (context %d)%n",
          r.loss(), r.perplexity(), r.tokens(), ctx);
    }
    return 0;
  }
}
