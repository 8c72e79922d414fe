package overtrain.tasks.vision;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import overtrain.data.images.FashionMnist;
import overtrain.data.images.ImageFiles;
import overtrain.io.Json;
import overtrain.tasks.Jsonl;

/**
 * The built-in image task, {@code fashion_mnist}: Fashion-MNIST images written as PNG files and
 * the three splits of {@link ImageTask} about them. Captions for stage 1 ("Describe the image."
 * -> "A photo of an ankle boot."); for stage 2, three templated questions per image: its kind,
 * whether it is a given kind (the true one or another, half each), and where it is worn; the
 * test split asks the kind of held-out images (Fashion-MNIST's test split) with the ten answers
 * as choices. Caption and instruction images are disjoint draws from the training split.
 */
public final class FashionTask {
  public static final String NAME = "fashion_mnist";
  public static final String KIND_QUESTION = "What kind of clothing is this?";
  public static final String CAPTION_PROMPT = "Describe the image.";

  /** The kinds as a sentence names them, in label order. */
  static final List<String> NOUNS = List.of("T-shirt", "pair of trousers", "pullover", "dress", "coat",
      "sandal", "shirt", "sneaker", "bag", "ankle boot");
  private static final List<String> WORN = List.of("On the upper body.", "On the legs.", "On the upper body.",
      "On the whole body.", "On the upper body.", "On the feet.", "On the upper body.", "On the feet.",
      "It is carried, not worn.", "On the feet.");

  private FashionTask() {}

  /** How many images each split gets, and the seed that draws them. */
  public record Sizes(int captionImages, int instructImages, int testImages, long seed) {
    public Sizes {
      if (captionImages < 1 || instructImages < 1 || testImages < 1) {
        throw new IllegalArgumentException("every split needs at least one image");
      }
      if ((long) captionImages + instructImages > 60_000) {
        throw new IllegalArgumentException("caption and instruction images together exceed the 60,000 training images");
      }
      if (testImages > 10_000) throw new IllegalArgumentException("the test split has 10,000 images");
    }
  }

  /** "A coat.", "An ankle boot.": the answer naming a kind. */
  public static String kindAnswer(int label) {
    return capitalise(article(NOUNS.get(label))) + ".";
  }

  /** The ten kind answers, in label order: the choices of every test question. */
  public static List<String> kindAnswers() {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < NOUNS.size(); k++) out.add(kindAnswer(k));
    return out;
  }

  /** Writes the task folder {@code dir} from {@code data}. */
  public static void write(FashionMnist.Data data, Sizes sizes, Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(sizes.seed());
    int[] train = permutation(data.train().count(), random);
    int[] test = permutation(data.test().count(), random);
    List<ObjectNode> caption = new ArrayList<>(), instruct = new ArrayList<>(), heldOut = new ArrayList<>();
    for (int i = 0; i < sizes.captionImages(); i++) {
      int idx = train[i];
      String image = image(data.train(), "train", idx, dir);
      caption.add(record(image, CAPTION_PROMPT, "A photo of " + article(NOUNS.get(data.train().label(idx))) + ".", null));
    }
    for (int i = sizes.captionImages(); i < sizes.captionImages() + sizes.instructImages(); i++) {
      int idx = train[i];
      int label = data.train().label(idx);
      String image = image(data.train(), "train", idx, dir);
      instruct.add(record(image, KIND_QUESTION, kindAnswer(label), null));
      boolean yes = random.nextBoolean();
      int asked = yes ? label : (label + 1 + random.nextInt(NOUNS.size() - 1)) % NOUNS.size();
      instruct.add(record(image, "Is this " + article(NOUNS.get(asked)) + "?", yes ? "Yes." : "No.", null));
      instruct.add(record(image, "Where is this worn?", WORN.get(label), null));
    }
    List<String> choices = kindAnswers();
    for (int i = 0; i < sizes.testImages(); i++) {
      int idx = test[i];
      String image = image(data.test(), "test", idx, dir);
      heldOut.add(record(image, KIND_QUESTION, kindAnswer(data.test().label(idx)), choices));
    }
    Jsonl.write(ImageTask.file(dir, "caption"), caption);
    Jsonl.write(ImageTask.file(dir, "train"), instruct);
    Jsonl.write(ImageTask.file(dir, "test"), heldOut);
    ObjectNode manifest = Json.object();
    manifest.put("name", NAME);
    manifest.put("package", FashionMnist.PACKAGE);
    manifest.put("version", data.fetched().version());
    manifest.put("deb_sha256", data.fetched().checksum());
    manifest.put("licence", FashionMnist.LICENCE);
    manifest.put("seed", sizes.seed());
    manifest.put("caption", caption.size());
    manifest.put("train", instruct.size());
    manifest.put("test", heldOut.size());
    Json.write(dir.resolve("manifest.json"), manifest);
  }

  private static String image(FashionMnist.Split split, String name, int idx, Path dir) throws IOException {
    String rel = "images/" + name + "/" + String.format("%05d", idx) + ".png";
    ImageFiles.writePng(dir.resolve(rel), split.image(idx));
    return rel;
  }

  private static ObjectNode record(String image, String prompt, String answer, List<String> choices) {
    ObjectNode r = Json.object();
    r.put("image", image);
    r.put("prompt", prompt);
    r.put("answer", answer);
    if (choices != null) {
      ArrayNode a = r.putArray("choices");
      choices.forEach(a::add);
    }
    return r;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
