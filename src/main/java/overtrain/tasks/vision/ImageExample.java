package overtrain.tasks.vision;

import java.nio.file.Path;
import java.util.List;
import overtrain.data.images.GrayImage;

/**
 * One image-grounded example: the model reads the image's visual tokens, then the prompt, and
 * is trained (or scored) on the answer. Where {@code choices} is not empty the example is a
 * question with a closed set of answers, {@code answer} among them, and evaluation picks the
 * choice of highest likelihood.
 *
 * @param source where the record came from, {@code file:line}, for messages
 * @param imageFile the image file as resolved against the task folder
 */
public record ImageExample(String source, Path imageFile, GrayImage image, String prompt, String answer,
    List<String> choices) {

  public ImageExample {
    choices = List.copyOf(choices);
  }

  /** Index of the answer in {@code choices}; -1 for an open question. */
  public int gold() {
    return choices.indexOf(answer);
  }
}
