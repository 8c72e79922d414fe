import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds of overtrain timed in one JVM, in turn: each jar is loaded through a class loader of
 * its own, each builds the same model, and the builds take turns at a training pass
 * (forwardBackward, without clipping or AdamW) and a scoring pass (loss) on the same random
 * tokens, so that every build sees the same load from a shared host. Separate processes run
 * one after another differ by 15-30% from the host alone; within one JVM, turns a few
 * milliseconds apart, they do not. Prints per build the median and quartiles of each pass and
 * the median of its training-to-scoring ratios, and per build after the first the median of
 * its per-turn time over the first build's.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector [-Dovertrain.threads=1] bench/ModelAB.java \
 *       [--shape LAYERS,HEADS,D,VOCAB,CONTEXT,BATCH] [--turns N] [--warmup N] [--reverse] JAR JAR...
 * </pre>
 *
 * With --reverse the builds are loaded, and take their turns, last first; the report keeps
 * the order given. bench/ab.sh builds the jars of git revisions and runs this in several
 * processes, reversed in every other one: the same jar twice read 1.5% slower in training and
 * 4% in scoring as the copy loaded second, in either order of turns, and in a busy hour one
 * process read 1.27, so neither one process nor one order is enough.
 * The model is built by reflection (ModelConfig's record constructor, Parameterization.MUP,
 * OlmoModel.initialize), so builds whose constructors differ from this one's cannot be
 * compared.
 */
public class ModelAB {
  public static void main(String[] args) throws Exception {
    int[] shape = {2, 2, 32, 4096, 128, 32};
    int turns = 40, warmup = 8;
    boolean reverse = false;
    List<Path> jars = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shape" -> shape = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--turns" -> turns = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--reverse" -> reverse = true;
        default -> jars.add(Path.of(args[i]));
      }
    }
    if (shape.length != 6 || jars.isEmpty() || turns < 1) {
      System.err.println("usage: ModelAB [--shape LAYERS,HEADS,D,VOCAB,CONTEXT,BATCH] [--turns N] "
          + "[--warmup N] [--reverse] JAR JAR...");
      System.exit(2);
    }
    Build[] builds = new Build[jars.size()];
    for (int i = 0; i < builds.length; i++) {
      int j = reverse ? builds.length - 1 - i : i;
      if (!Files.isRegularFile(jars.get(j))) {
        System.err.println("ModelAB: no jar at " + jars.get(j));
        System.exit(2);
      }
      builds[j] = new Build(jars.get(j), shape);
    }
    for (int w = 0; w < warmup; w++) {
      for (Build b : builds) {
        b.train();
        b.score();
      }
    }
    double[][] train = new double[builds.length][turns], score = new double[builds.length][turns];
    for (int t = 0; t < turns; t++) {
      for (int i = 0; i < builds.length; i++) {
        int j = reverse ? builds.length - 1 - i : i;
        train[j][t] = builds[j].train();
        score[j][t] = builds[j].score();
      }
    }
    System.out.printf("shape %s (layers, heads, d, vocab, context, batch), threads %s, %d turns "
        + "after %d warm-up turns%s; ms: median (quartiles)%n", Arrays.toString(shape),
        System.getProperty("overtrain.threads", "all"), turns, warmup,
        reverse ? ", builds loaded and run in reverse order" : "");
    for (int j = 0; j < builds.length; j++) {
      System.out.printf("%-24s train %s  score %s  train/score %.2f%n", name(jars.get(j)),
          quartiles(train[j]), quartiles(score[j]), median(divide(train[j], score[j])));
    }
    for (int j = 1; j < builds.length; j++) {
      System.out.printf("%s over %s, per turn: train %.3f score %.3f%n", name(jars.get(j)),
          name(jars.get(0)), median(divide(train[j], train[0])), median(divide(score[j], score[0])));
    }
  }

  /** One build's model, its gradient buffer and a batch of tokens, reached by reflection. */
  private static final class Build {
    private final Object model;
    private final Method forwardBackward, loss;
    private final int[] tokens, targets;
    private final float[] grads;
    private final int batch, context;

    Build(Path jar, int[] s) throws Exception {
      ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      Class<?> configClass = loader.loadClass("overtrain.model.ModelConfig");
      Class<?> parameterization = loader.loadClass("overtrain.model.Parameterization");
      Class<?> modelClass = loader.loadClass("overtrain.model.OlmoModel");
      Class<?> paramsClass = loader.loadClass("overtrain.model.Parameters");
      int layers = s[0], heads = s[1], d = s[2], vocab = s[3];
      context = s[4];
      batch = s[5];
      Object mup = parameterization.getField("MUP").get(null);
      // an untied head, SwiGLU width 4 x d, base width d: as bench train builds it
      Object config = configClass.getConstructors()[0].newInstance(vocab, d, layers, heads, 4 * d,
          context, false, 10000.0, mup, d, 0.02);
      Object params = modelClass.getMethod("initialize", configClass, long.class).invoke(null, config, 1L);
      model = modelClass.getConstructor(configClass, paramsClass).newInstance(config, params);
      grads = new float[(int) paramsClass.getMethod("size").invoke(params)];
      forwardBackward = modelClass.getMethod("forwardBackward", int[].class, int[].class, int.class,
          int.class, float[].class);
      loss = modelClass.getMethod("loss", int[].class, int[].class, int.class, int.class);
      tokens = new int[batch * context];
      targets = new int[batch * context];
      SplittableRandom random = new SplittableRandom(1);
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = random.nextInt(vocab);
        targets[i] = random.nextInt(vocab);
      }
    }

    double train() throws Exception {
      long start = System.nanoTime();
      forwardBackward.invoke(model, tokens, targets, batch, context, grads);
      return (System.nanoTime() - start) / 1e6;
    }

    double score() throws Exception {
      long start = System.nanoTime();
      loss.invoke(model, tokens, targets, batch, context);
      return (System.nanoTime() - start) / 1e6;
    }
  }

  /** A jar's file name without ".jar": bench/ab.sh names them after the builds. */
  private static String name(Path jar) {
    return jar.getFileName().toString().replaceFirst("\\.jar$", "");
  }

  private static double[] divide(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
    return r;
  }

  private static double median(double[] x) {
    return quantile(x, 0.5);
  }

  private static String quartiles(double[] x) {
    return String.format("%8.2f (%.2f-%.2f)", quantile(x, 0.5), quantile(x, 0.25), quantile(x, 0.75));
  }

  /** The q-quantile, interpolated between the sorted values around it. */
  private static double quantile(double[] x, double q) {
    double[] s = x.clone();
    Arrays.sort(s);
    double at = q * (s.length - 1);
    int lo = (int) Math.floor(at), hi = (int) Math.ceil(at);
    return s[lo] + (at - lo) * (s[hi] - s[lo]);
  }
}
