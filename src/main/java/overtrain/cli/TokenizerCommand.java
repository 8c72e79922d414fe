package overtrain.cli;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.data.Documents;
import overtrain.formats.Npy;
import overtrain.tokenizer.BpeTrainer;
import overtrain.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overtrain tokenizer train|encode|decode|bench}. */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = "Train, inspect and time byte-level BPE tokenizers (Hugging Face tokenizer.json).",
    subcommands = {
      TokenizerCommand.Train.class,
      TokenizerCommand.Encode.class,
      TokenizerCommand.Decode.class,
      TokenizerCommand.Bench.class
    })
public final class TokenizerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train byte-level BPE on a corpus (GPT-2 pre-tokenisation) and write tokenizer.json.")
  static final class Train implements Callable<Integer> {
    @Option(names = "--corpus", required = true,
        description = "A .txt file, a folder of .txt files, or JSONL / JSONL.gz with a \"text\" field.")
    Path corpus;

    @Option(names = "--vocab-size", defaultValue = "4096",
        description = "Ids in all: 256 bytes, the merges and the special tokens (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--special", split = ",",
        description = "Extra special tokens, besides <|endoftext|>, <|padding|>, <|system|>, <|user|>, <|assistant|>.")
    List<String> specials = new ArrayList<>();

    @Option(names = "--out", required = true, description = "Where to write tokenizer.json.")
    Path out;

    @Override
    public Integer call() throws IOException {
      long t0 = System.nanoTime();
      List<String> texts = Documents.texts(corpus);
      long bytes = 0;
      for (String t : texts) bytes += t.getBytes(StandardCharsets.UTF_8).length;
      long t1 = System.nanoTime();
      System.err.printf("read %,d documents, %,d bytes in %.1f s%n", texts.size(), bytes, (t1 - t0) / 1e9);
      if (bytes == 0) {
        throw new IllegalArgumentException(corpus + ": no text to train on (" + texts.size()
            + " documents, all empty); give .txt files or JSONL records with a \"text\" field");
      }
      Tokenizer tokenizer = BpeTrainer.train(texts, vocabSize, specials);
      long t2 = System.nanoTime();
      tokenizer.save(out);
      long tokens = 0;
      for (int[] ids : tokenizer.encodeAll(texts)) tokens += ids.length;
      System.err.printf("trained %,d ids in %.1f s; %.3f bytes per token on the training text%n",
          tokenizer.vocabSize(), (t2 - t1) / 1e9, (double) bytes / tokens);
      if (tokenizer.vocabSize() < vocabSize) {
        System.err.printf("the corpus ran out of pairs to merge: %,d ids, not the %,d asked for%n",
            tokenizer.vocabSize(), vocabSize);
      }
      System.out.println(out);
      return 0;
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Print the ids of a text and the piece of text each one stands for.")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = "A tokenizer.json, or r50k_base / cl100k_base.")
    String tokenizer;

    @Option(names = "--text", description = "The text to encode.")
    String text;

    @Option(names = "--file", description = "A UTF-8 file to encode instead of --text.")
    Path file;

    @Override
    public Integer call() throws IOException {
      if ((text == null) == (file == null)) throw new IllegalArgumentException("give exactly one of --text and --file");
      Tokenizer t = Tokenizer.loadOrNamed(tokenizer);
      int[] ids = t.encode(text != null ? text : Files.readString(file, StandardCharsets.UTF_8));
      StringBuilder idLine = new StringBuilder();
      StringBuilder pieces = new StringBuilder();
      for (int id : ids) {
        idLine.append(idLine.length() == 0 ? "" : " ").append(id);
        pieces.append(pieces.length() == 0 ? "" : " ").append('[').append(printable(t.decode(new int[] {id}))).append(']');
      }
      System.out.println(ids.length + " tokens");
      System.out.println(idLine);
      System.out.println(pieces);
      return 0;
    }

    /** Control characters shown as escapes, so a piece fits on the line. */
    private static String printable(String s) {
      StringBuilder sb = new StringBuilder();
      for (char c : s.toCharArray()) {
        if (c == '\n') sb.append("\\n");
        else if (c == '\r') sb.append("\\r");
        else if (c == '\t') sb.append("\\t");
        else if (c < 0x20 || c == 0x7F) sb.append(String.format("\\x%02x", (int) c));
        else sb.append(c);
      }
      return sb.toString();
    }
  }

  @Command(name = "decode", mixinStandardHelpOptions = true,
      description = "Print the text of a token file (.npy of integer ids).")
  static final class Decode implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = "A tokenizer.json, or r50k_base / cl100k_base.")
    String tokenizer;

    @Parameters(index = "0", description = "An .npy file of token ids.")
    Path ids;

    @Override
    public Integer call() throws IOException {
      Tokenizer t = Tokenizer.loadOrNamed(tokenizer);
      Npy.Array array = Npy.read(ids, Npy.TOKEN_IDS);
      if (array.length() > Integer.MAX_VALUE) throw new IOException(ids + ": too many ids to decode at once");
      int[] values = new int[(int) array.length()];
      for (int i = 0; i < values.length; i++) {
        long id = array.getLong(i);
        if (id < 0 || id >= t.vocabSize()) {
          throw new IOException(ids + ": element " + i + ": id " + id + " is outside the vocabulary of " + t.vocabSize());
        }
        values[i] = (int) id;
      }
      System.out.print(t.decode(values));
      System.out.flush();
      return 0;
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Time our r50k_base encoder against jtokkit's on the same text, single-threaded.")
  static final class Bench implements Callable<Integer> {
    @Option(names = "--corpus", required = true, description = "Text to encode (as for train).")
    Path corpus;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds after one warm-up (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws IOException {
      List<String> texts = Documents.texts(corpus);
      long bytes = 0;
      for (String t : texts) bytes += t.getBytes(StandardCharsets.UTF_8).length;
      long t0 = System.nanoTime();
      Tokenizer ours = Tokenizer.named("r50k_base");
      long t1 = System.nanoTime();
      Encoding theirs = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
      long t2 = System.nanoTime();
      System.err.printf("load: ours %.2f s, jtokkit %.2f s; text %,d bytes in %,d documents%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, bytes, texts.size());
      long tokens = 0;
      for (String t : texts) {
        int[] a = ours.encode(t);
        if (!java.util.Arrays.equals(a, theirs.encodeOrdinary(t).toArray())) {
          throw new IllegalStateException("ids differ from jtokkit's on a document");
        }
        tokens += a.length;
      }
      System.out.printf("ids equal jtokkit's on every document; %,d tokens, %.3f bytes per token%n",
          tokens, (double) bytes / tokens);
      // Timed in this thread's CPU time, so that other processes on a shared machine do not
      // tilt the comparison. Our word cache is warm after the first pass, as it is when a
      // corpus is encoded.
      java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        long s0 = cpu.getCurrentThreadCpuTime();
        for (String t : texts) ours.encode(t);
        long s1 = cpu.getCurrentThreadCpuTime();
        for (String t : texts) theirs.encodeOrdinary(t);
        long s2 = cpu.getCurrentThreadCpuTime();
        System.out.printf("round %d (per CPU second): ours %.1f MB/s (%.2f M tokens/s), jtokkit %.1f MB/s (%.2f M tokens/s)%n",
            round + 1, bytes / 1e6 / ((s1 - s0) / 1e9), tokens / 1e6 / ((s1 - s0) / 1e9),
            bytes / 1e6 / ((s2 - s1) / 1e9), tokens / 1e6 / ((s2 - s1) / 1e9));
      }
      long s0 = System.nanoTime();
      ours.encodeAll(texts);
      long s1 = System.nanoTime();
      System.out.printf("ours, encodeAll on %d threads: %.1f MB/s wall-clock%n",
          overtrain.kernels.Parallel.threads(), bytes / 1e6 / ((s1 - s0) / 1e9));
      return 0;
    }
  }
}
