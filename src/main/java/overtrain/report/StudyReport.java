package overtrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import overtrain.io.AtomicWrite;
import overtrain.study.Cell;
import overtrain.study.Findings;
import overtrain.study.PlanEstimate;
import overtrain.study.Results;
import overtrain.study.StudyDir;

/**
 * A study's report: the paper's figures drawn from the study's results table, a sentence under
 * each said by the data, the inflection table from the findings, and the study's settings, as
 * one self-contained {@code report.html} (figures inlined as PNG, no network) and {@code
 * report.csv} of every plotted number.
 *
 * <p>Where seeds repeat a point, the line is their mean and the band (error bars) spans one
 * standard deviation either side: over pre-training seeds, and for perturbations over
 * pre-training seeds and perturbation directions together.
 */
public final class StudyReport {
  /** What the report says about the study beyond its results table. */
  public record Meta(String name, String studyYaml, List<String> codeVersions, double wallSeconds,
      int cellsDone, int cellsTotal) {
    public Meta {
      codeVersions = List.copyOf(codeVersions);
    }
  }

  /** One figure: a stable id, the plot, and the sentence under it. */
  public record Figure(String id, LinePlot plot, String sentence) {}

  static final String BUDGET_AXIS = "pre-training budget (tokens, log scale)";
  static final String LOSS_AXIS = "held-out pre-training loss (nats/token)";

  private final List<Figure> figures;
  private final ObjectNode findings;
  private final Meta meta;
  private final List<Map<String, JsonNode>> rows;
  private Theory theory;

  /** The linear-network simulation beside the study: its theory.json and the figures found, by name. */
  record Theory(JsonNode json, Map<String, byte[]> png) {}

  /** Where a study's folder keeps the theory's simulation ({@code overtrain theory --out DIR/theory}). */
  public static final String THEORY_DIR = "theory";

  private StudyReport(List<Figure> figures, ObjectNode findings, Meta meta, List<Map<String, JsonNode>> rows) {
    this.figures = List.copyOf(figures);
    this.findings = findings;
    this.meta = meta;
    this.rows = rows;
  }

  public List<Figure> figures() {
    return figures;
  }

  /**
   * What the study found, in at most five lines for a terminal: the base models, the perturbed
   * and the fine-tuned held-out loss against budget (the figures' own sentences), and, from the
   * findings, where the loss after modification turns up and whether sensitivity grows.
   */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (Figure f : figures) {
      if (f.id().equals("base")) lines.add("Base models: " + f.sentence());
      if (f.id().equals("perturb-loss")) lines.add("Perturbed, held-out loss: " + f.sentence());
    }
    figures.stream().filter(f -> f.id().startsWith("finetune-heldout-")).findFirst().ifPresent(f ->
        lines.add("Fine-tuned on " + f.id().substring("finetune-heldout-".length()) + ", held-out loss: "
            + f.sentence()));
    List<String> inside = new ArrayList<>();
    // an interior lowest point needs three budgets, a rank correlation two budgets and three points
    int modifications = 0, curves = 0, correlated = 0, rising = 0, significant = 0, mostBudgets = 0;
    String whyNoRho = "";
    for (Iterator<Map.Entry<String, JsonNode>> it = findings.path("modifications").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      modifications++;
      JsonNode after = e.getValue().path("heldout_loss_after");
      int budgets = after.path("budgets").size();
      mostBudgets = Math.max(mostBudgets, budgets);
      if (budgets >= 3) curves++;
      if (after.path("inflection_tokens").isNumber()) {
        inside.add(e.getKey().replaceFirst("^.*\\| ", "") + " at " + Numbers.tokens(after.get("inflection_tokens").asDouble()));
      }
      JsonNode d = e.getValue().path("degradation");
      if (!d.path("spearman_rho").isNumber()) {
        whyNoRho = d.path("why_none").asText("too few points");
        continue;
      }
      correlated++;
      if (d.get("spearman_rho").asDouble() > 0) rising++;
      if (d.get("spearman_rho").asDouble() > 0 && d.path("p_value").asDouble(1) < 0.05) significant++;
    }
    if (modifications > 0) {
      lines.add(curves == 0
          ? "Inflection (lowest held-out loss after): needs 3 budgets or more; the study has " + mostBudgets + "."
          : "Inflection (lowest held-out loss after) inside the budgets for " + inside.size() + " of "
              + of(curves, modifications, "fewer than 3 budgets")
              + (inside.isEmpty() ? "" : ": " + String.join(", ", inside)) + ".");
      lines.add(correlated == 0
          ? "Degradation against budget (Spearman rho): " + whyNoRho + "."
          : "Degradation grows with budget (Spearman rho > 0) for " + rising + " of "
              + of(correlated, modifications, "too few points") + "; with p < 0.05 for " + significant + ".");
    }
    return lines;
  }

  /** "n", or "n (of all; the others have why)" when some of the modifications could not count. */
  private static String of(int n, int all, String why) {
    return n == all ? Integer.toString(n) : n + " (of " + all + "; the others have " + why + ")";
  }

  /** The report of a results table; findings computed from it when null. */
  public static StudyReport of(Results.Table table, ObjectNode findings, Meta meta) {
    List<Map<String, JsonNode>> rows = new ArrayList<>();
    for (List<JsonNode> r : table.rows()) {
      Map<String, JsonNode> m = new HashMap<>();
      for (int i = 0; i < table.columns().size(); i++) {
        if (r.get(i) != null && !r.get(i).isNull()) m.put(table.columns().get(i), r.get(i));
      }
      rows.add(m);
    }
    if (findings == null) findings = Findings.of(modelRows(table), Findings.studyHash(meta.studyYaml()));
    // only a budget's measurements are drawn against the budget (not, e.g., a wsd trunk's)
    List<Map<String, JsonNode>> plotted = rows.stream()
        .filter(r -> r.containsKey("budget") && r.containsKey("value") && r.get("value").isNumber()).toList();
    List<Figure> figs = new ArrayList<>();
    baseFigure(plotted).ifPresent(figs::add);
    perturbFigures(plotted, figs);
    finetuneFigures(plotted, figs);
    multimodalFigures(plotted, figs);
    return new StudyReport(figs, findings, meta, rows);
  }

  /** The rows findings are about: those of pre-training runs and their modifications (not, e.g., a selftest's). */
  private static Results.Table modelRows(Results.Table table) {
    int kind = table.columns().indexOf("kind"), budget = table.columns().indexOf("budget"),
        seed = table.columns().indexOf("pretrain_seed");
    List<List<JsonNode>> kept = new ArrayList<>();
    if (kind >= 0 && budget >= 0 && seed >= 0) {
      for (List<JsonNode> r : table.rows()) {
        if (r.get(budget) != null && r.get(seed) != null && r.get(kind) != null
            && (Findings.BASE_KINDS.contains(r.get(kind).asText())
                || List.of("perturb", "finetune", "multimodal").contains(r.get(kind).asText()))) kept.add(r);
      }
    }
    return new Results.Table(table.columns(), kept);
  }

  /** The report of a study's folder: its results, its findings.json (or fresh ones), its cells' records. */
  public static StudyReport of(StudyDir dir) throws IOException {
    Results.Table table = Results.of(dir);
    String yaml = Files.exists(dir.studyYaml()) ? Files.readString(dir.studyYaml()) : "";
    TreeSet<String> versions = new TreeSet<>();
    double wall = 0;
    int done = 0;
    for (Cell c : dir.plan().cells()) {
      if (!dir.isDone(c.id())) continue;
      done++;
      JsonNode record = dir.readResult(c.id()).path("record");
      if (record.hasNonNull("code_version")) versions.add(record.get("code_version").asText());
      wall += record.path("wall_seconds").asDouble(0);
    }
    ObjectNode findings = null;
    Path f = dir.root().resolve("findings.json");
    if (Files.exists(f)) {
      JsonNode read = overtrain.io.Json.read(f);
      // findings of another version of the study file are stale: compute them afresh
      if (read.isObject() && read.path("study_sha256").asText().equals(Findings.studyHash(yaml))) findings = (ObjectNode) read;
    }
    Meta meta = new Meta(dir.plan().name(), yaml, List.copyOf(versions), wall, done, dir.plan().cells().size());
    StudyReport report = of(table, findings, meta);
    Path theoryDir = dir.root().resolve(THEORY_DIR);
    if (Files.exists(theoryDir.resolve("theory.json"))) {
      Map<String, byte[]> png = new LinkedHashMap<>();
      for (Map.Entry<String, String> figure : TheoryReport.FIGURES) {
        Path file = theoryDir.resolve(figure.getKey() + ".png");
        if (Files.exists(file)) png.put(figure.getKey(), Files.readAllBytes(file));
      }
      report.theory = new Theory(overtrain.io.Json.read(theoryDir.resolve("theory.json")), png);
    }
    return report;
  }

  /** Writes report.html and report.csv into dir; returns both paths. */
  public List<Path> write(Path dir) throws IOException {
    Path html = dir.resolve("report.html");
    Path csv = dir.resolve("report.csv");
    AtomicWrite.writeString(csv, csv());
    AtomicWrite.writeString(html, html());
    return List.of(html, csv);
  }

  // ---------------------------------------------------------------- figures

  private static java.util.Optional<Figure> baseFigure(List<Map<String, JsonNode>> rows) {
    Groups g = new Groups();
    Map<String, Long> params = new HashMap<>();
    for (Map<String, JsonNode> r : rows) {
      if (!Findings.BASE_KINDS.contains(text(r, "kind")) || !is(r, "metric", "heldout_loss")) continue;
      String model = text(r, "model");
      params.put(model, r.containsKey("non_embedding_parameters") ? r.get("non_embedding_parameters").asLong() : 0);
      g.add(new Key(params.get(model), model, 0, model), num(r, "budget"), num(r, "value"));
    }
    if (g.isEmpty()) return java.util.Optional.empty();
    List<Series> series = g.series(k -> k.model() + (k.params() > 0 ? " (" + Numbers.tokens(k.params()) + " params)" : ""));
    return java.util.Optional.of(new Figure("base", new LinePlot(
        "Base models: held-out loss after pre-training", BUDGET_AXIS, LOSS_AXIS, true, false, series),
        Sentences.minima(series, "nats")));
  }

  private static void perturbFigures(List<Map<String, JsonNode>> rows, List<Figure> figs) {
    Groups loss = new Groups(), degradation = new Groups();
    boolean manyModels = distinct(rows, "perturb", "model") > 1;
    for (Map<String, JsonNode> r : rows) {
      if (!is(r, "kind", "perturb")) continue;
      double gamma = num(r, "gamma");
      String model = text(r, "model");
      Key k = new Key(0, model, gamma, (manyModels ? model + " " : "") + "gamma=" + Numbers.compact(gamma));
      if (is(r, "metric", "heldout_loss")) loss.add(k, num(r, "budget"), num(r, "value"));
      else if (is(r, "metric", "degradation")) degradation.add(k, num(r, "budget"), num(r, "value"));
    }
    if (!loss.isEmpty()) {
      List<Series> s = loss.series(Key::name);
      figs.add(new Figure("perturb-loss", new LinePlot("Gaussian perturbation: held-out loss after, per gamma",
          BUDGET_AXIS, LOSS_AXIS, true, false, s), Sentences.minima(s, "nats")));
    }
    if (!degradation.isEmpty()) {
      List<Series> s = degradation.series(Key::name);
      figs.add(new Figure("perturb-degradation", new LinePlot(
          "Gaussian perturbation: degradation, per gamma (Fig. 3)", BUDGET_AXIS,
          "loss after - loss before (nats/token)", true, false, s), Sentences.trends(s, "nats")));
    }
  }

  private static void finetuneFigures(List<Map<String, JsonNode>> rows, List<Figure> figs) {
    TreeSet<String> tasks = new TreeSet<>();
    for (Map<String, JsonNode> r : rows) if (is(r, "kind", "finetune")) tasks.add(text(r, "task"));
    boolean manyModels = distinct(rows, "finetune", "model") > 1;
    for (String task : tasks) {
      String id = idMetric(rows, task);
      Groups heldout = new Groups(), inDist = new Groups(), before = new Groups();
      for (Map<String, JsonNode> r : rows) {
        if (!is(r, "kind", "finetune") || !is(r, "task", task)) continue;
        String model = text(r, "model");
        double budget = num(r, "budget");
        if (is(r, "stage", "before")) {
          if (is(r, "split", "heldout") && is(r, "metric", "heldout_loss")) {
            before.add(new Key(0, model, 0, (manyModels ? model + " " : "") + "before fine-tuning"), budget, num(r, "value"));
          }
          continue;
        }
        if (!is(r, "stage", "after") || !r.containsKey("lr")) continue;
        double lr = num(r, "lr");
        Key k = new Key(0, model, lr, (manyModels ? model + " " : "") + "lr " + Numbers.rate(lr));
        if (is(r, "split", "heldout") && is(r, "metric", "heldout_loss")) heldout.add(k, budget, num(r, "value"));
        else if (id != null && is(r, "split", "test") && is(r, "metric", id)) inDist.add(k, budget, num(r, "value"));
      }
      if (!heldout.isEmpty()) {
        List<Series> s = heldout.series(Key::name);
        List<Series> all = new ArrayList<>(s);
        for (Series b : before.series(Key::name)) all.add(b.asDashed().inColour(6));
        figs.add(new Figure("finetune-heldout-" + task, new LinePlot(
            "Fine-tuning on " + task + " at fixed rates: held-out loss after (Fig. 4)", BUDGET_AXIS, LOSS_AXIS,
            true, false, all), Sentences.minima(s, "nats")));
      }
      if (!inDist.isEmpty()) {
        List<Series> s = inDist.series(Key::name);
        figs.add(new Figure("finetune-id-" + task, new LinePlot(
            "Fine-tuning on " + task + " at fixed rates: " + idLabel(id) + " (Fig. 5)", BUDGET_AXIS,
            idAxis(id), true, false, s), Sentences.minima(s, idUnit(id))));
      }
      tunedFigures(rows, task, id, manyModels, figs);
    }
  }

  /**
   * Multimodal tuning per image task: the held-out loss after stage 2 per stage-2 rate, with the
   * checkpoints' own loss dashed (stage 1 leaves it exactly as it was), and the kind accuracy on
   * held-out images after stage 1 and after stage 2.
   */
  private static void multimodalFigures(List<Map<String, JsonNode>> rows, List<Figure> figs) {
    TreeSet<String> tasks = new TreeSet<>();
    for (Map<String, JsonNode> r : rows) if (is(r, "kind", "multimodal")) tasks.add(text(r, "task"));
    boolean manyModels = distinct(rows, "multimodal", "model") > 1;
    for (String task : tasks) {
      Groups heldout = new Groups(), before = new Groups(), accuracy = new Groups();
      // stage 1 does not depend on the stage-2 rate: each checkpoint's is drawn once
      Set<String> stage1Seen = new HashSet<>();
      for (Map<String, JsonNode> r : rows) {
        if (!is(r, "kind", "multimodal") || !is(r, "task", task)) continue;
        String model = text(r, "model"), prefix = manyModels ? model + " " : "";
        double budget = num(r, "budget");
        if (is(r, "stage", "before")) {
          if (is(r, "metric", "heldout_loss")) before.add(new Key(0, model, 0, prefix + "before tuning"), budget, num(r, "value"));
          continue;
        }
        double lr = num(r, "lr");
        boolean last = is(r, "stage", "after");
        if (last && is(r, "metric", "heldout_loss")) {
          heldout.add(new Key(0, model, lr, prefix + "lr " + Numbers.rate(lr)), budget, num(r, "value"));
        } else if (is(r, "metric", "kind_accuracy")) {
          if (last) {
            accuracy.add(new Key(0, model, lr, prefix + "after stage 2, lr " + Numbers.rate(lr)), budget, num(r, "value"));
          } else if (stage1Seen.add(model + "|" + budget + "|" + text(r, "pretrain_seed"))) {
            accuracy.add(new Key(0, model, -1, prefix + "after stage 1"), budget, num(r, "value"));
          }
        }
      }
      if (!heldout.isEmpty()) {
        List<Series> s = heldout.series(Key::name);
        List<Series> all = new ArrayList<>(s);
        for (Series b : before.series(Key::name)) all.add(b.asDashed().inColour(6));
        figs.add(new Figure("multimodal-heldout-" + task, new LinePlot(
            "Multimodal tuning on " + task + " (LLaVA-style, two stages): held-out loss after", BUDGET_AXIS, LOSS_AXIS,
            true, false, all), Sentences.minima(s, "nats")));
      }
      if (!accuracy.isEmpty()) {
        List<Series> s = accuracy.series(Key::name);
        figs.add(new Figure("multimodal-accuracy-" + task, new LinePlot(
            "Multimodal tuning on " + task + ": kind accuracy on held-out images", BUDGET_AXIS,
            "accuracy (likelihood over the answers)", true, false, s), Sentences.ends(s, "")));
      }
    }
  }

  /** Fig. 6: per budget, the rate validation chose, and the model's numbers at that rate. */
  private static void tunedFigures(List<Map<String, JsonNode>> rows, String task, String id, boolean manyModels,
      List<Figure> figs) {
    Map<String, List<Map<String, JsonNode>>> byCell = new LinkedHashMap<>();
    for (Map<String, JsonNode> r : rows) {
      if (is(r, "kind", "finetune") && is(r, "task", task)) byCell.computeIfAbsent(text(r, "cell"), c -> new ArrayList<>()).add(r);
    }
    Groups chosen = new Groups(), inDist = new Groups(), heldout = new Groups();
    for (List<Map<String, JsonNode>> cell : byCell.values()) {
      Map<String, JsonNode> pick = cell.stream().filter(r -> is(r, "metric", "chosen_lr")).findFirst().orElse(null);
      if (pick == null) continue;
      double lr = num(pick, "value");
      String model = text(pick, "model");
      double budget = num(pick, "budget");
      Key k = new Key(0, model, 0, manyModels ? model : "chosen on validation");
      chosen.add(k, budget, lr);
      for (Map<String, JsonNode> r : cell) {
        if (!is(r, "stage", "after") || !r.containsKey("lr") || !sameRate(num(r, "lr"), lr)) continue;
        if (is(r, "split", "heldout") && is(r, "metric", "heldout_loss")) heldout.add(k, budget, num(r, "value"));
        else if (id != null && is(r, "split", "test") && is(r, "metric", id)) inDist.add(k, budget, num(r, "value"));
      }
    }
    if (chosen.isEmpty()) return;
    List<Series> s = chosen.series(Key::name);
    figs.add(new Figure("tuned-lr-" + task, new LinePlot("Fine-tuning on " + task + ": rate chosen on validation (Fig. 6)",
        BUDGET_AXIS, "learning rate (log scale)", true, true, s), Sentences.ends(s, "", Numbers::rate)));
    if (!inDist.isEmpty()) {
      List<Series> t = inDist.series(Key::name);
      figs.add(new Figure("tuned-id-" + task, new LinePlot("Fine-tuning on " + task + " at the tuned rate: "
          + idLabel(id) + " (Fig. 6)", BUDGET_AXIS, idAxis(id), true, false, t), Sentences.minima(t, idUnit(id))));
    }
    if (!heldout.isEmpty()) {
      List<Series> t = heldout.series(Key::name);
      figs.add(new Figure("tuned-heldout-" + task, new LinePlot("Fine-tuning on " + task
          + " at the tuned rate: held-out loss after (Fig. 6)", BUDGET_AXIS, LOSS_AXIS, true, false, t),
          Sentences.minima(t, "nats")));
    }
  }

  private static boolean sameRate(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }

  /** The in-distribution metric: class perplexity for a classification task, the loss for a language-modelling one. */
  static String idMetric(List<Map<String, JsonNode>> rows, String task) {
    boolean loss = false;
    for (Map<String, JsonNode> r : rows) {
      if (!is(r, "kind", "finetune") || !is(r, "task", task) || !is(r, "split", "test")) continue;
      if (is(r, "metric", "class_perplexity")) return "class_perplexity";
      if (is(r, "metric", "loss")) loss = true;
    }
    return loss ? "loss" : null;
  }

  private static String idLabel(String id) {
    return id.equals("class_perplexity") ? "class perplexity on test" : "task loss on test";
  }

  private static String idAxis(String id) {
    return id.equals("class_perplexity") ? "class perplexity on test (lower is better)" : "task loss on test (nats/token)";
  }

  private static String idUnit(String id) {
    return id.equals("class_perplexity") ? "" : "nats";
  }

  /** A series' identity: sorted by model size, then model, then its parameter (gamma, rate). */
  record Key(long params, String model, double param, String name) {}

  /** Values by series and x, to be reduced to mean and standard deviation. */
  static final class Groups {
    private final Map<Key, TreeMap<Double, List<Double>>> values = new TreeMap<>(
        Comparator.comparingLong(Key::params).thenComparing(Key::model).thenComparingDouble(Key::param)
            .thenComparing(Key::name));

    void add(Key k, double x, double y) {
      values.computeIfAbsent(k, key -> new TreeMap<>()).computeIfAbsent(x, v -> new ArrayList<>()).add(y);
    }

    boolean isEmpty() {
      return values.isEmpty();
    }

    /** One series per key: the mean at each x, a band of one sd either side where a point has two or more values. */
    List<Series> series(java.util.function.Function<Key, String> name) {
      List<Series> out = new ArrayList<>();
      for (Map.Entry<Key, TreeMap<Double, List<Double>>> e : values.entrySet()) {
        int n = e.getValue().size();
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
        boolean band = false;
        int i = 0;
        for (Map.Entry<Double, List<Double>> p : e.getValue().entrySet()) {
          List<Double> v = p.getValue();
          double mean = v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
          double ss = 0;
          for (double d : v) ss += (d - mean) * (d - mean);
          double sd = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0;
          band |= v.size() > 1;
          x[i] = p.getKey();
          y[i] = mean;
          lo[i] = mean - sd;
          hi[i] = mean + sd;
          i++;
        }
        Series s = Series.of(name.apply(e.getKey()), x, y);
        out.add(band ? s.withBand(lo, hi) : s);
      }
      return out;
    }
  }

  // ---------------------------------------------------------------- CSV and HTML

  /** Every plotted number: figure, series, x, y, and the band's low and high where there is one. */
  public String csv() {
    StringBuilder b = new StringBuilder("figure,series,x,y,low,high\n");
    for (Figure f : figures) {
      for (Series s : f.plot().series()) {
        for (int i = 0; i < s.x().length; i++) {
          b.append(csvField(f.id())).append(',').append(csvField(s.name())).append(',')
              .append(num(s.x()[i])).append(',').append(num(s.y()[i])).append(',')
              .append(s.hasBand() ? num(s.low()[i]) : "").append(',')
              .append(s.hasBand() ? num(s.high()[i]) : "").append('\n');
        }
      }
    }
    return b.toString();
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** The page: inline CSS and figures, and a few lines of inline script that record each figure's drawn size. */
  public String html() throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>overtrain report: ")
        .append(esc(meta.name())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<h1>Study report: ").append(esc(meta.name())).append("</h1>\n");
    h.append("<p class=\"meta\">").append(meta.cellsDone()).append(" of ").append(meta.cellsTotal())
        .append(" cells done; code version ").append(esc(meta.codeVersions().isEmpty() ? "unknown"
            : String.join(", ", meta.codeVersions()))).append("; total wall time ")
        .append(esc(PlanEstimate.duration(meta.wallSeconds()))).append(" (sum over cells).</p>\n");
    h.append("<p class=\"note\">Lines are means over seeds; error bars span one standard deviation either side"
        + " (over pre-training seeds, and for perturbations over pre-training seeds and perturbation directions"
        + " together). Every plotted number is in report.csv.</p>\n");
    if (figures.isEmpty()) h.append("<p>No finished cells with measurements to plot yet.</p>\n");
    for (Figure f : figures) {
      h.append("<section class=\"figure\" id=\"fig-").append(esc(f.id())).append("\">\n<h2>")
          .append(esc(f.plot().title())).append("</h2>\n<img class=\"plot\" alt=\"").append(esc(f.plot().title()))
          .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.plot().png()))
          .append("\">\n<p class=\"caption\">").append(esc(f.sentence())).append("</p>\n</section>\n");
    }
    inflectionTable(h);
    if (theory != null) theorySection(h);
    settings(h);
    h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return h.toString();
  }

  private void inflectionTable(StringBuilder h) {
    h.append("<section id=\"inflections\">\n<h2>Inflection points</h2>\n");
    h.append("<p class=\"note\">The budget at which held-out loss is lowest, interpolated on log-budget, with a"
        + " 95% bootstrap interval over pre-training seeds; Spearman's rho of the degradation against the"
        + " budget, with a permutation p-value.</p>\n");
    List<String[]> lines = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = findings.path("base").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      lines.add(row(e.getKey() + " | base model", e.getValue(), null));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = findings.path("modifications").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      lines.add(row(e.getKey(), e.getValue().path("heldout_loss_after"), e.getValue().path("degradation")));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = findings.path("tuned").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().has("heldout_loss_after")) {
        lines.add(row(e.getKey() + " rate: held-out loss", e.getValue().get("heldout_loss_after"), null));
      }
      if (e.getValue().has("id_after")) {
        lines.add(row(e.getKey() + " rate: " + e.getValue().path("id_metric").asText() + " on test",
            e.getValue().get("id_after"), null));
      }
    }
    if (lines.isEmpty()) {
      h.append("<p>No curves to find an inflection point on.</p>\n</section>\n");
      return;
    }
    h.append("<table>\n<thead><tr><th>curve</th><th>lowest at (tokens)</th><th>95% interval</th><th>seeds</th>"
        + "<th>resamples without one</th><th>degradation rho</th><th>p</th></tr></thead>\n<tbody>\n");
    for (String[] l : lines) {
      h.append("<tr>");
      for (String c : l) h.append("<td>").append(esc(c)).append("</td>");
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  /** The theory's inflection points, as {@code overtrain theory} found them, beside the study's. */
  private void theorySection(StringBuilder h) {
    h.append("<section id=\"theory\">\n<h2>The theory's inflection points</h2>\n");
    // per angle between the pre-training and fine-tuning targets: settings with a point, settings
    TreeMap<Double, int[]> byAngle = new TreeMap<>();
    for (JsonNode st : theory.json().path("settings")) {
      int[] c = byAngle.computeIfAbsent(st.path("angle_degrees").asDouble(), a -> new int[2]);
      if (st.path("inflection").path("found").asBoolean(false)) c[0]++;
      c[1]++;
    }
    List<String> parts = new ArrayList<>();
    byAngle.forEach((angle, c) -> parts.add(c[0] + " of " + c[1] + " with the fine-tuning target turned by "
        + Numbers.plain(angle, 3) + " degrees"));
    h.append("<p class=\"caption\">The paper's two-layer linear network, simulated by overtrain theory (its settings"
        + " in ").append(THEORY_DIR).append("/theory.json): the pre-training loss after fine-tuning, against"
        + " pre-training time T, is lowest inside the range (an inflection point) for ")
        .append(esc(String.join("; ", parts))).append(".</p>\n");
    h.append("<table>\n<thead><tr><th>fine-tuning rate</th><th>L2 pull lambda</th><th>angle (degrees)</th>"
        + "<th>inflection</th></tr></thead>\n<tbody>\n");
    for (JsonNode st : theory.json().path("settings")) {
      h.append("<tr><td>").append(esc(Numbers.rate(st.path("lr").asDouble()))).append("</td><td>")
          .append(esc(Numbers.plain(st.path("lambda").asDouble(), 3))).append("</td><td>")
          .append(esc(Numbers.plain(st.path("angle_degrees").asDouble(), 3))).append("</td><td>")
          .append(esc(st.path("inflection").path("description").asText(""))).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
    for (Map.Entry<String, String> f : TheoryReport.FIGURES) {
      byte[] png = theory.png().get(f.getKey());
      if (png == null) continue;
      h.append("<img class=\"plot\" alt=\"").append(esc(f.getKey())).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\">\n<p class=\"caption\">")
          .append(esc(f.getValue())).append("</p>\n");
    }
    h.append("</section>\n");
  }

  private static String[] row(String name, JsonNode inf, JsonNode deg) {
    String at = inf.path("inflection_tokens").isNumber() ? Numbers.tokens(inf.get("inflection_tokens").asDouble())
        : inf.path("inflection").asText("");
    String interval = inf.has("interval_low_tokens") ? Numbers.tokens(inf.get("interval_low_tokens").asDouble())
        + " - " + Numbers.tokens(inf.get("interval_high_tokens").asDouble()) : "";
    String none = inf.has("resamples_without_inflection")
        ? Numbers.fixed(100 * inf.get("resamples_without_inflection").asDouble(), 0) + "%" : "";
    String rho = deg == null ? ""
        : deg.path("spearman_rho").isNumber() ? Numbers.fixed(deg.get("spearman_rho").asDouble(), 2)
        : deg.path("why_none").asText("");
    String p = deg != null && deg.path("p_value").isNumber() ? Numbers.fixed(deg.get("p_value").asDouble(), 3) : "";
    return new String[] {name, at, interval, inf.path("seeds").asText(""), none, rho, p};
  }

  private void settings(StringBuilder h) {
    h.append("<section id=\"settings\">\n<h2>Settings</h2>\n<dl>\n");
    h.append("<dt>pre-training seeds</dt><dd>").append(esc(values("pretrain_seed"))).append("</dd>\n");
    h.append("<dt>perturbation direction seeds</dt><dd>").append(esc(values("direction_seed"))).append("</dd>\n");
    h.append("<dt>code version</dt><dd>").append(esc(meta.codeVersions().isEmpty() ? "unknown"
        : String.join(", ", meta.codeVersions()))).append("</dd>\n");
    h.append("<dt>total wall time</dt><dd>").append(esc(PlanEstimate.duration(meta.wallSeconds())))
        .append(" (the sum of the done cells' recorded wall times)</dd>\n");
    h.append("<dt>findings</dt><dd>study file SHA-256 ").append(esc(findings.path("study_sha256").asText("")))
        .append("</dd>\n</dl>\n");
    h.append("<h3>study.yaml</h3>\n<pre>").append(esc(meta.studyYaml())).append("</pre>\n</section>\n");
  }

  private String values(String column) {
    TreeSet<Long> v = new TreeSet<>();
    for (Map<String, JsonNode> r : rows) if (r.containsKey(column)) v.add(r.get(column).asLong());
    return v.isEmpty() ? "none" : v.toString().replaceAll("[\\[\\]]", "");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final String CSS = """
      body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
             max-width: 980px; margin: 2em auto; padding: 0 1em; }
      h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
      .meta, .note { color: #555; }
      img.plot { display: block; width: 100%; max-width: 900px; height: auto; border: 1px solid #eee; }
      .caption { font-style: italic; margin-top: .4em; }
      table { border-collapse: collapse; font-size: 14px; }
      th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
      th { background: #f4f4f4; }
      pre { background: #f7f7f7; padding: 1em; white-space: pre-wrap; font-size: 13px; }
      dt { font-weight: 600; } dd { margin: 0 0 .5em 1.5em; }
      """;

  /**
   * Records, once the page has loaded, each figure's drawn size and whether its image decoded, so
   * that a headless browser's DOM dump shows the figures were drawn.
   */
  private static final String SCRIPT = """
      window.addEventListener('load', function () {
        var figures = document.querySelectorAll('img.plot'), drawn = 0;
        for (var i = 0; i < figures.length; i++) {
          var f = figures[i], r = f.getBoundingClientRect();
          f.setAttribute('data-drawn-width', Math.round(r.width));
          f.setAttribute('data-drawn-height', Math.round(r.height));
          f.setAttribute('data-natural-width', f.naturalWidth);
          if (f.complete && f.naturalWidth > 0 && r.width > 0 && r.height > 0) drawn++;
        }
        document.body.setAttribute('data-figures', figures.length);
        document.body.setAttribute('data-figures-drawn', drawn);
      });
      """;

  // ---------------------------------------------------------------- row access

  private static boolean is(Map<String, JsonNode> r, String key, String value) {
    JsonNode v = r.get(key);
    return v != null && v.asText().equals(value);
  }

  private static String text(Map<String, JsonNode> r, String key) {
    JsonNode v = r.get(key);
    return v == null ? "" : v.asText();
  }

  private static double num(Map<String, JsonNode> r, String key) {
    JsonNode v = Objects.requireNonNull(r.get(key), () -> "a results row without '" + key + "': " + r);
    return v.asDouble();
  }

  private static long distinct(List<Map<String, JsonNode>> rows, String kind, String key) {
    return rows.stream().filter(r -> is(r, "kind", kind)).map(r -> text(r, key)).distinct().count();
  }

}
