package overtrain.tasks.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.data.fetch.Packages;
import overtrain.data.images.FashionMnist;
import overtrain.data.images.GrayImage;
import overtrain.data.images.ImageFiles;
import overtrain.tasks.TaskFormatException;

/** The image task folder: its JSONL form, its errors, and the built-in task's records. */
class ImageTaskTest {
  @TempDir Path dir;

  private void png(String name) throws IOException {
    ImageFiles.writePng(dir.resolve(name), GrayImage.ofBytes(4, 4, new byte[16], 0));
  }

  private TaskFormatException bad(String line) throws IOException {
    png("a.png");
    Files.writeString(dir.resolve("test.jsonl"),
        "{\"image\": \"a.png\", \"prompt\": \"p\", \"answer\": \"x\"}\n\n" + line + "\n");
    return assertThrows(TaskFormatException.class, () -> ImageTask.read(dir, "test", 0));
  }

  @Test
  void readsRecordsWithTheirImagesAndChoices() throws IOException {
    png("img/a.png");
    Files.writeString(dir.resolve("test.jsonl"),
        "{\"image\": \"img/a.png\", \"prompt\": \"What?\", \"answer\": \"B.\", \"choices\": [\"A.\", \"B.\"]}\n"
            + "{\"image\": \"img/a.png\", \"prompt\": \"Say.\", \"answer\": \"Hi.\"}\n");
    List<ImageExample> ex = ImageTask.read(dir, "test", 0);
    assertEquals(2, ex.size());
    assertEquals(1, ex.get(0).gold());
    assertEquals(-1, ex.get(1).gold());
    assertEquals(4, ex.get(0).image().width());
    assertTrue(ex.get(1).source().endsWith("test.jsonl:2"), ex.get(1).source());
    assertEquals(1, ImageTask.read(dir, "test", 1).size());
  }

  @Test
  void badRecordsNameFileLineAndField() throws IOException {
    String m = bad("{\"image\": \"missing.png\", \"prompt\": \"p\", \"answer\": \"x\"}").getMessage();
    assertTrue(m.contains("test.jsonl:3") && m.contains("'image'") && m.contains("missing.png"), m);
    m = bad("{\"image\": \"a.png\", \"answer\": \"x\"}").getMessage();
    assertTrue(m.contains("test.jsonl:3") && m.contains("'prompt'") && m.contains("missing"), m);
    m = bad("{\"image\": \"a.png\", \"prompt\": 3, \"answer\": \"x\"}").getMessage();
    assertTrue(m.contains("'prompt'") && m.contains("string"), m);
    m = bad("{\"image\": \"a.png\", \"prompt\": \"p\", \"answer\": \"x\", \"choices\": [\"y\", \"z\"]}").getMessage();
    assertTrue(m.contains("'answer'") && m.contains("not one of the choices"), m);
    m = bad("{\"image\": \"a.png\", \"prompt\": \"p\"").getMessage();
    assertTrue(m.contains("test.jsonl:3") && m.contains("not valid JSON"), m);
    Files.writeString(dir.resolve("junk.png"), "junk");
    m = bad("{\"image\": \"junk.png\", \"prompt\": \"p\", \"answer\": \"x\"}").getMessage();
    assertTrue(m.contains("test.jsonl:3") && m.contains("'image'"), m);
  }

  @Test
  void theBuiltInTaskAsksAboutEveryImageAndScoresTheKindOverTenAnswers() throws IOException {
    int n = 40;
    byte[] px = new byte[n * 784], labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
      px[i * 784 + i] = (byte) 200; // each image differs
    }
    FashionMnist.Split split = new FashionMnist.Split(px, labels, n);
    FashionMnist.Data data = new FashionMnist.Data(split, split,
        new Packages.Fetched(dir, FashionMnist.VERSION, "sha", 0));
    Path out = dir.resolve("task");
    FashionTask.write(data, new FashionTask.Sizes(10, 12, 7, 3), out);
    List<ImageExample> caption = ImageTask.read(out, "caption", 0);
    List<ImageExample> train = ImageTask.read(out, "train", 0);
    List<ImageExample> test = ImageTask.read(out, "test", 0);
    assertEquals(10, caption.size());
    assertEquals(36, train.size());
    assertEquals(7, test.size());
    for (ImageExample e : test) {
      assertEquals(10, e.choices().size());
      int label = Integer.parseInt(e.imageFile().getFileName().toString().replace(".png", "")) % 10;
      assertEquals(FashionTask.kindAnswer(label), e.answer());
      assertEquals(label, e.gold());
    }
    assertEquals("An ankle boot.", FashionTask.kindAnswer(9));
    assertEquals("A pair of trousers.", FashionTask.kindAnswer(1));
    assertTrue(caption.get(0).answer().startsWith("A photo of "), caption.get(0).answer());
    // caption and instruction images are disjoint
    java.util.Set<Path> cap = new java.util.HashSet<>();
    caption.forEach(e -> cap.add(e.imageFile()));
    assertTrue(train.stream().noneMatch(e -> cap.contains(e.imageFile())));
  }
}
