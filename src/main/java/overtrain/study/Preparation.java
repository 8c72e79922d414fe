package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import overtrain.data.corpus.PretrainingSources;
import overtrain.io.Configs;
import overtrain.io.Json;
import overtrain.tasks.Task;
import overtrain.tasks.builtin.BuiltinTasks;
import overtrain.tasks.vision.FashionTask;

/**
 * How a study's data files are made where they are missing, so that a study (a preset above
 * all) runs on a fresh machine from one command: which corpus to fetch, the tokenizer's
 * vocabulary and, from the study's own cells, which built-in tasks to build (the fine-tuning
 * cells' text tasks, and the Fashion-MNIST image task folder of its multimodal cells). The
 * recipe sits in the study file beside the data it makes:
 *
 * <pre>
 * prepare: {corpus: data/corpus, with_docs: false, vocab_size: 4096}
 * data:    {train: data/tokens/train.npy, heldout: data/tokens/heldout.npy,
 *           tokenizer: data/tokenizer.json, tasks_dir: data/tasks}
 * </pre>
 *
 * The token files must be {@code TOKENS/train.npy} and {@code TOKENS/heldout.npy}, what
 * {@code overtrain tokenize --out TOKENS} writes. {@code vocab_size} defaults to the pre-training
 * model's. What exists is kept: a step runs only when its output is missing, and a corpus made
 * from other sources than the recipe's is an error, not silently reused.
 *
 * @param corpus the corpus folder {@code data fetch} writes
 * @param withDocs whether the corpus adds the documentation sources
 * @param vocabSize the tokenizer's vocabulary
 * @param tokenizer the tokenizer file (the study's {@code data.tokenizer})
 * @param tokens the token folder (the parent of {@code data.train})
 * @param tasksDir the tasks folder (the study's {@code data.tasks_dir})
 * @param tasks the tasks the study fine-tunes on
 * @param imageTasks the image task folders the study's multimodal cells tune on
 */
public record Preparation(Path corpus, boolean withDocs, int vocabSize, Path tokenizer, Path tokens,
    Path tasksDir, List<String> tasks, List<Path> imageTasks) {

  /** The {@code prepare:} keys. */
  record Settings(String corpus, boolean withDocs, int vocabSize) {}

  private static final Settings DEFAULTS = new Settings("data/corpus", false, 0);

  public Preparation {
    tasks = List.copyOf(tasks);
    imageTasks = List.copyOf(imageTasks);
  }

  /** The study's recipe, or null where its file has no {@code prepare:}. */
  public static Preparation of(StudyPlan plan) {
    JsonNode prepare = plan.settings().get("prepare");
    if (prepare == null) return null;
    Set<String> tasks = new LinkedHashSet<>();
    Set<Path> images = new LinkedHashSet<>();
    for (Cell c : plan.cells()) {
      if (c.kind().equals(FinetuneSection.KIND) && c.coords().hasNonNull("task")) tasks.add(c.coords().get("task").asText());
      if (c.kind().equals(MultimodalSection.KIND)) images.add(Path.of(c.spec().get("task").asText()));
    }
    return parse(plan.settings(), 0, "study " + plan.name(), List.copyOf(tasks), List.copyOf(images));
  }

  /**
   * Checks a study file's {@code prepare:} against its {@code data:} ({@code root} is the whole
   * file), so that a bad recipe fails when the file is read, before any cell runs; returns the
   * {@code prepare:} to keep in the study's settings, its vocabulary filled in from the
   * pre-training model's where it gives none, or null where the file has no {@code prepare:}.
   */
  static ObjectNode resolve(JsonNode root, String source) {
    if (root.get("prepare") == null) return null;
    int pretrainVocab = root.path("pretrain").path("model").path("vocab_size").asInt(0);
    Preparation p = parse(root, pretrainVocab, source, List.of(), List.of());
    ObjectNode resolved = ((ObjectNode) root.get("prepare")).deepCopy();
    resolved.put("vocab_size", p.vocabSize());
    return resolved;
  }

  private static Preparation parse(JsonNode root, int pretrainVocab, String source, List<String> tasks,
      List<Path> imageTasks) {
    JsonNode p = root.get("prepare");
    if (!(p instanceof ObjectNode o)) {
      throw new IllegalArgumentException(source + ": prepare: expected a mapping {corpus, with_docs, vocab_size}, got " + p);
    }
    Settings s = Configs.load(Settings.class, DEFAULTS, List.of(new Configs.Layer(source + ": prepare", o)));
    int vocab = s.vocabSize() > 0 ? s.vocabSize() : pretrainVocab;
    if (vocab < 1) {
      throw new IllegalArgumentException(source + ": prepare.vocab_size is required (the tokenizer's"
          + " vocabulary; it defaults to pretrain.model.vocab_size, which the file does not give)");
    }
    JsonNode data = root.path("data");
    Path train = Path.of(data.path("train").asText("data/tokens/train.npy"));
    Path heldout = Path.of(data.path("heldout").asText("data/tokens/heldout.npy"));
    Path tokens = train.toAbsolutePath().getParent();
    if (!train.getFileName().toString().equals("train.npy")
        || !heldout.toAbsolutePath().equals(tokens.resolve("heldout.npy"))) {
      throw new IllegalArgumentException(source + ": prepare: needs data.train and data.heldout to be"
          + " TOKENS/train.npy and TOKENS/heldout.npy (what 'overtrain tokenize --out TOKENS' writes),"
          + " got " + train + " and " + heldout);
    }
    return new Preparation(Path.of(s.corpus()), s.withDocs(), vocab,
        Path.of(data.path("tokenizer").asText("data/tokenizer.json")), tokens,
        Path.of(data.path("tasks_dir").asText("data/tasks")), tasks, imageTasks);
  }

  /** One step of the recipe: what it makes, and whether that is there already. */
  public enum Step { CORPUS, TOKENIZER, TOKENS, TASKS, IMAGES }

  /** The steps whose outputs are missing, in the order they must run. */
  public List<Step> missing() throws IOException {
    List<Step> steps = new ArrayList<>();
    if (!Files.exists(corpus.resolve("manifest.json"))) {
      steps.add(Step.CORPUS);
    } else {
      checkCorpusSources();
    }
    if (!Files.exists(tokenizer)) steps.add(Step.TOKENIZER);
    // A new tokenizer makes old token files meaningless; so does a new corpus.
    if (!steps.isEmpty() || !Files.exists(tokens.resolve("tokens.json"))) steps.add(Step.TOKENS);
    if (!missingTasks().isEmpty()) steps.add(Step.TASKS);
    if (!missingImageTasks().isEmpty()) steps.add(Step.IMAGES);
    return steps;
  }

  /**
   * The image task folders with no {@code caption.jsonl}: each must be a {@code fashion_mnist}
   * folder, which {@code overtrain multimodal build} writes; another is the user's to put there.
   */
  public List<Path> missingImageTasks() {
    List<Path> missing = new ArrayList<>();
    for (Path t : imageTasks) {
      if (Files.exists(t.resolve("caption.jsonl"))) continue;
      if (!t.getFileName().toString().equals(FashionTask.NAME)) {
        throw new IllegalArgumentException("image task folder " + t + " is missing, and only one named "
            + FashionTask.NAME + " is built here ('overtrain multimodal build --out DIR/" + FashionTask.NAME
            + "'); put its folder there");
      }
      missing.add(t);
    }
    return missing;
  }

  /** The study's tasks with no folder in {@link #tasksDir}; each must be a built-in one. */
  public List<String> missingTasks() {
    List<String> missing = new ArrayList<>();
    for (String t : tasks) {
      if (Files.exists(tasksDir.resolve(t).resolve(Task.SPEC_FILE))) continue;
      if (!BuiltinTasks.NAMES.contains(t)) {
        throw new IllegalArgumentException("task '" + t + "' is neither in " + tasksDir
            + " nor built in (" + BuiltinTasks.NAMES + "); put its folder there");
      }
      missing.add(t);
    }
    return missing;
  }

  /** The sources {@code data fetch} takes with this recipe's {@code with_docs}. */
  public List<String> sourceNames() {
    List<String> names = new ArrayList<>();
    for (PretrainingSources.Source s : PretrainingSources.PROSE) names.add(s.name());
    if (withDocs) for (PretrainingSources.Source s : PretrainingSources.DOCS) names.add(s.name());
    return names;
  }

  private void checkCorpusSources() throws IOException {
    JsonNode manifest = Json.MAPPER.readTree(corpus.resolve("manifest.json").toFile());
    List<String> have = new ArrayList<>();
    for (JsonNode s : manifest.path("sources")) have.add(s.path("name").asText());
    if (!have.equals(sourceNames())) {
      throw new IllegalArgumentException(corpus + " holds the sources " + have + ", but the study's"
          + " prepare: asks for " + sourceNames() + "; move that folder away to fetch it again,"
          + " or point prepare.corpus elsewhere");
    }
  }
}
