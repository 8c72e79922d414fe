package overtrain.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.study.Preparation.Step;

/** A study's prepare: recipe: checked when the file is read, and only what is missing is made. */
class PreparationTest {
  @TempDir Path dir;

  private String study(String prepare, String train, String heldout) {
    return String.join("\n",
        "name: prep",
        "dir: " + dir.resolve("run"),
        prepare,
        "data: {train: " + train + ", heldout: " + heldout + ", tokenizer: " + dir.resolve("tok.json")
            + ", tasks_dir: " + dir.resolve("tasks") + "}",
        "pretrain:",
        "  models: {d16: {hidden_size: 16, num_heads: 2, num_layers: 1}}",
        "  budgets: [1024, 2048]",
        "  seeds: [1, 2, 3]",
        "  model: {vocab_size: 300, max_context: 16, base_width: 16}",
        "finetune: {tasks: [python_stdlib], lr: [1.0e-3]}", "");
  }

  private StudyPlan plan(String prepare) {
    return StudyFile.parse(study(prepare, dir.resolve("tokens/train.npy").toString(),
        dir.resolve("tokens/heldout.npy").toString()), "prep.yaml");
  }

  @Test
  void theRecipeTakesItsPathsFromTheDataItMakesAndItsVocabularyFromTheModel() {
    Preparation p = Preparation.of(plan("prepare: {corpus: " + dir.resolve("corpus") + ", with_docs: true}"));
    assertEquals(dir.resolve("corpus"), p.corpus());
    assertTrue(p.withDocs());
    assertEquals(300, p.vocabSize(), "pretrain.model.vocab_size when prepare: gives none");
    assertEquals(dir.resolve("tokens"), p.tokens());
    assertEquals(dir.resolve("tok.json"), p.tokenizer());
    assertEquals(List.of("python_stdlib"), p.tasks(), "the tasks the study fine-tunes on");
    assertEquals(512, Preparation.of(plan("prepare: {vocab_size: 512}")).vocabSize());
    assertNull(Preparation.of(plan("")), "no prepare: section, no recipe");
  }

  @Test
  void onlyWhatIsMissingIsMadeAndANewTokenizerRemakesTheTokens() throws IOException {
    Preparation p = Preparation.of(plan("prepare: {corpus: " + dir.resolve("corpus") + "}"));
    assertEquals(List.of(Step.CORPUS, Step.TOKENIZER, Step.TOKENS, Step.TASKS), p.missing());
    Files.createDirectories(dir.resolve("corpus"));
    Files.writeString(dir.resolve("corpus/manifest.json"),
        "{\"sources\": [{\"name\": \"gutenberg\"}, {\"name\": \"sotu\"}, {\"name\": \"brown\"}]}");
    Files.createDirectories(dir.resolve("tasks/python_stdlib"));
    Files.writeString(dir.resolve("tasks/python_stdlib/spec.yaml"), "name: python_stdlib\n");
    assertEquals(List.of(Step.TOKENIZER, Step.TOKENS), p.missing());
    Files.writeString(dir.resolve("tok.json"), "{}");
    assertEquals(List.of(Step.TOKENS), p.missing());
    Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(dir.resolve("tokens/tokens.json"), "{}");
    assertEquals(List.of(), p.missing());

    Preparation docs = Preparation.of(plan("prepare: {corpus: " + dir.resolve("corpus") + ", with_docs: true}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, docs::missing);
    assertTrue(e.getMessage().startsWith(dir.resolve("corpus") + " holds the sources [gutenberg, sotu, brown], but"
        + " the study's prepare: asks for [gutenberg, sotu, brown, python-doc"), e.getMessage());
  }

  /** A study that tunes on images has Fashion-MNIST's folder built where it is missing. */
  @Test
  void aMissingFashionMnistFolderIsBuiltAndAnotherImageTaskIsTheUsers() throws IOException {
    Path images = dir.resolve("tasks/fashion_mnist");
    String text = study("prepare: {corpus: " + dir.resolve("corpus") + "}", dir.resolve("tokens/train.npy").toString(),
        dir.resolve("tokens/heldout.npy").toString());
    Preparation p = Preparation.of(StudyFile.parse(text + "multimodal: {task: " + images + "}\n", "prep.yaml"));
    assertEquals(List.of(images), p.imageTasks());
    assertEquals(List.of(images), p.missingImageTasks());
    assertTrue(p.missing().contains(Step.IMAGES), p.missing().toString());
    Files.createDirectories(images);
    Files.writeString(images.resolve("caption.jsonl"), "");
    assertEquals(List.of(), p.missingImageTasks());
    assertTrue(!p.missing().contains(Step.IMAGES));

    Path mine = dir.resolve("tasks/xrays");
    Preparation other = Preparation.of(StudyFile.parse(text + "multimodal: {task: " + mine + "}\n", "prep.yaml"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, other::missingImageTasks);
    assertTrue(e.getMessage().startsWith("image task folder " + mine + " is missing"), e.getMessage());
  }

  @Test
  void aBadRecipeIsRefusedWhenTheFileIsRead() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StudyFile.parse(study("prepare: {corpus: c, with_docs: maybe}", "t/train.npy", "t/heldout.npy"), "p.yaml"));
    assertTrue(e.getMessage().contains("p.yaml: prepare") && e.getMessage().contains("with_docs"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> StudyFile.parse(study("prepare: {vocab: 3}", "t/train.npy", "t/heldout.npy"), "p.yaml"));
    assertTrue(e.getMessage().contains("p.yaml: prepare") && e.getMessage().contains("vocab"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> StudyFile.parse(study("prepare: {}", "t/train-2048.npy", "t/heldout.npy"), "p.yaml"));
    assertTrue(e.getMessage().contains("p.yaml: prepare: needs data.train and data.heldout to be TOKENS/train.npy and"
        + " TOKENS/heldout.npy"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> StudyFile.parse(study("prepare: {}", "t/train.npy", "u/heldout.npy"), "p.yaml"));
    assertTrue(e.getMessage().contains("needs data.train and data.heldout"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StudyFile.parse(
        study("prepare: [data]", "t/train.npy", "t/heldout.npy"), "p.yaml"));
    assertTrue(e.getMessage().contains("p.yaml: prepare: expected a mapping"), e.getMessage());
  }

  @Test
  void aTaskThatIsNeitherThereNorBuiltInIsNamed() {
    StudyPlan plan = StudyFile.parse(study("prepare: {corpus: " + dir.resolve("c") + "}", dir.resolve("t/train.npy").toString(),
        dir.resolve("t/heldout.npy").toString()).replace("tasks: [python_stdlib]", "tasks: [mine]"), "p.yaml");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preparation.of(plan).missing());
    assertTrue(e.getMessage().startsWith("task 'mine' is neither in " + dir.resolve("tasks") + " nor built in"),
        e.getMessage());
  }
}
