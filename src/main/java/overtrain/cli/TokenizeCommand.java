package overtrain.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.data.corpus.CorpusTokenizer;
import overtrain.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code overtrain tokenize}: corpus JSONL to .npy token files for training and held-out loss. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Encode a corpus's train.jsonl and heldout.jsonl into train.npy and heldout.npy"
          + " (uint16 when the vocabulary fits, end-of-text after every document), multi-threaded,"
          + " with tokens.json recording counts and the tokenizer's and corpus manifest's sha256."
    })
public final class TokenizeCommand implements Callable<Integer> {
  @Option(names = "--corpus", defaultValue = "data/corpus",
      description = "Corpus folder from `overtrain data fetch|import` (default: ${DEFAULT-VALUE}).")
  Path corpus;

  @Option(names = "--tokenizer", defaultValue = "data/tokenizer.json",
      description = "A tokenizer.json, or r50k_base / cl100k_base (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--out", defaultValue = "data/tokens",
      description = "Folder for train.npy, heldout.npy and tokens.json (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Tokenizer tok = Tokenizer.loadOrNamed(tokenizer);
    Progress progress = new Progress("tokenize", CorpusTokenizer.countDocuments(corpus));
    List<CorpusTokenizer.SplitCount> counts = CorpusTokenizer.tokenize(corpus, tok, tokenizer, out, progress::advance);
    StringBuilder summary = new StringBuilder();
    for (CorpusTokenizer.SplitCount c : counts) {
      summary.append(String.format("%s: %,d documents, %,d tokens; ", c.split(), c.documents(), c.tokens()));
    }
    progress.finish(summary + String.format("%.1f s -> %s", (System.nanoTime() - t0) / 1e9, out));
    return 0;
  }
}
