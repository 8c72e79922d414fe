package overtrain.tasks.vision;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import overtrain.data.images.GrayImage;
import overtrain.data.images.ImageFiles;
import overtrain.tasks.Jsonl;
import overtrain.tasks.TaskFormatException;

/**
 * An image task folder. Three JSONL splits, one record per line:
 *
 * <pre>
 * caption.jsonl  stage 1 (the projector alone): {"image": "images/a.png", "prompt": "Describe the image.", "answer": "A photo of a coat."}
 * train.jsonl    stage 2 (projector and model): {"image": ..., "prompt": "Where is this worn?", "answer": "On the feet."}
 * test.jsonl     held-out images, scored:        {"image": ..., "prompt": ..., "answer": "A coat.", "choices": ["A coat.", ...]}
 * </pre>
 *
 * {@code image} is a path relative to the folder (or absolute) of an image file Java reads
 * (PNG, JPEG, BMP, GIF; colour is turned to gray); every image of a task must have the size the
 * vision encoder was fitted on. {@code choices}, optional, is a closed set of answers holding
 * {@code answer}: such an example is scored by which choice the model finds likeliest. Every
 * record is read and every image decoded before any work starts, and a bad one is reported with
 * the file, the line and the field.
 */
public final class ImageTask {
  public static final List<String> SPLITS = List.of("caption", "train", "test");

  private ImageTask() {}

  /** The file of a split: {@code DIR/SPLIT.jsonl}. */
  public static Path file(Path dir, String split) {
    if (!SPLITS.contains(split)) throw new IllegalArgumentException("no split " + split + "; have " + SPLITS);
    return dir.resolve(split + ".jsonl");
  }

  /** Every record of one split, its image decoded; {@code limit} > 0 keeps only the first that many. */
  public static List<ImageExample> read(Path dir, String split, int limit) throws IOException {
    Path file = file(dir, split);
    List<ImageExample> out = new ArrayList<>();
    Jsonl.read(file, (record, line) -> {
      if (limit > 0 && out.size() >= limit) return;
      out.add(example(dir, file, record, line));
    });
    return out;
  }

  private static ImageExample example(Path dir, Path file, JsonNode record, long line) throws IOException {
    String image = text(file, record, line, "image");
    String prompt = text(file, record, line, "prompt");
    String answer = text(file, record, line, "answer");
    if (answer.isBlank()) throw new TaskFormatException(file, line, "answer", "is empty");
    List<String> choices = new ArrayList<>();
    JsonNode c = record.get("choices");
    if (c != null && !c.isNull()) {
      if (!c.isArray() || c.size() < 2) throw new TaskFormatException(file, line, "choices", "must be a list of at least two answers");
      Set<String> seen = new HashSet<>();
      for (JsonNode e : c) {
        if (!e.isTextual() || e.asText().isBlank()) throw new TaskFormatException(file, line, "choices", "every choice must be a non-empty string, found " + e);
        if (!seen.add(e.asText())) throw new TaskFormatException(file, line, "choices", "'" + e.asText() + "' appears twice");
        choices.add(e.asText());
      }
      if (!choices.contains(answer)) throw new TaskFormatException(file, line, "answer", "'" + answer + "' is not one of the choices " + choices);
    }
    Path imageFile = dir.resolve(image).normalize();
    if (!Files.isRegularFile(imageFile)) throw new TaskFormatException(file, line, "image", "no such file: " + imageFile);
    GrayImage img;
    try {
      img = ImageFiles.read(imageFile);
    } catch (IOException e) {
      throw new TaskFormatException(file, line, "image", e.getMessage());
    }
    return new ImageExample(file + ":" + line, imageFile, img, prompt, answer, choices);
  }

  private static String text(Path file, JsonNode record, long line, String field) throws TaskFormatException {
    JsonNode v = record.get(field);
    if (v == null || v.isNull()) throw new TaskFormatException(file, line, field, "missing");
    if (!v.isTextual()) throw new TaskFormatException(file, line, field, "must be a string, found " + v.getNodeType());
    return v.asText();
  }
}
