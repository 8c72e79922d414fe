package overtrain.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import overtrain.io.AtomicWrite;
import overtrain.io.Configs;
import overtrain.theory.TheoryConfig;
import overtrain.theory.TheoryResult.Setting;
import overtrain.theory.TheoryResult;

/**
 * Writes what the linear-network simulation measured: CSV of every plotted number, JSON of the
 * settings and their inflection points with the config used, and the figures, which a study's
 * report shows when the simulation is in the study's folder.
 */
public final class TheoryReport {

  /** Each figure's base name and what it shows, in the order a study report shows them. */
  public static final List<Map.Entry<String, String>> FIGURES = List.of(
      Map.entry("theory-lr",
          "Pre-training loss after fine-tuning against pre-training time, one line per fine-tuning "
              + "learning rate; the dashed line is the loss before fine-tuning."),
      Map.entry("theory-lambda",
          "The same for several strengths λ of the pull λ||W - W_pre||² toward the pre-trained weights."),
      Map.entry("theory-lambda-finetune-loss",
          "What the pull costs: the fine-tuning loss reached, per λ."),
      Map.entry("theory-alignment",
          "Pre-training loss after fine-tuning when the fine-tuning task's singular vectors are turned "
              + "by each angle from the pre-training task's (0° is aligned)."),
      Map.entry("theory-singular-values",
          "Incremental learning: the singular values of W2 W1 (solid) rise one after another, "
              + "strongest first, beside Saxe et al.'s closed form (dashed)."));

  private final TheoryResult result;
  private final double misaligned;
  private final double referenceLr;
  private final double smallestLambda;

  public TheoryReport(TheoryResult result) {
    this.result = result;
    TheoryConfig.Finetune ft = result.config().finetune();
    this.misaligned = ft.anglesDegrees().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double[] lrs = ft.lrs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    this.referenceLr = lrs[(lrs.length - 1) / 2];
    this.smallestLambda = ft.lambdas().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  /** Writes CSV, JSON and figures into out; returns every path written. */
  public List<Path> write(Path out) throws IOException {
    List<Path> written = new ArrayList<>();
    written.add(writeSettingsCsv(out.resolve("theory.csv")));
    written.add(writeLearnedCsv(out.resolve("theory-learned.csv")));
    written.add(writeTrajectoryCsv(out.resolve("theory-trajectory.csv")));
    written.add(writeJson(out.resolve("theory.json")));
    for (var entry : figures()) written.addAll(entry.plot.write(out, entry.name));
    return written;
  }

  private record Figure(String name, LinePlot plot) {}

  private List<Figure> figures() {
    TheoryConfig.Finetune ft = result.config().finetune();
    double[] t = result.times();
    List<Figure> figures = new ArrayList<>();

    List<Series> byLr = new ArrayList<>();
    for (double lr : ft.lrs()) {
      byLr.add(Series.of("fine-tuning LR " + lr, t, result.setting(lr, smallestLambda, misaligned).lossAfter()));
    }
    byLr.add(Series.of("before fine-tuning", t, result.lossBefore()).asDashed().inColour(6));
    figures.add(new Figure("theory-lr", new LinePlot(
        "Pre-training loss after fine-tuning (angle " + fmt(misaligned) + "°, λ " + fmt(smallestLambda) + ")",
        "pre-training time T (LR x steps)", "pre-training loss", true, false, byLr)));

    List<Series> byLambda = new ArrayList<>();
    List<Series> ftByLambda = new ArrayList<>();
    for (double lambda : ft.lambdas()) {
      Setting s = result.setting(referenceLr, lambda, misaligned);
      byLambda.add(Series.of("λ " + lambda, t, s.lossAfter()));
      ftByLambda.add(Series.of("λ " + lambda, t, s.finetuneLoss()));
    }
    byLambda.add(Series.of("before fine-tuning", t, result.lossBefore()).asDashed().inColour(6));
    figures.add(new Figure("theory-lambda", new LinePlot(
        "Pre-training loss after fine-tuning with an L2 pull (LR " + fmt(referenceLr) + ", angle "
            + fmt(misaligned) + "°)",
        "pre-training time T (LR x steps)", "pre-training loss", true, false, byLambda)));
    figures.add(new Figure("theory-lambda-finetune-loss", new LinePlot(
        "Fine-tuning loss with an L2 pull (LR " + fmt(referenceLr) + ", angle " + fmt(misaligned) + "°)",
        "pre-training time T (LR x steps)", "fine-tuning loss", true, false, ftByLambda)));

    List<Series> byAngle = new ArrayList<>();
    for (double angle : ft.anglesDegrees()) {
      byAngle.add(Series.of("angle " + fmt(angle) + "°", t,
          result.setting(referenceLr, smallestLambda, angle).lossAfter()));
    }
    byAngle.add(Series.of("before fine-tuning", t, result.lossBefore()).asDashed().inColour(6));
    figures.add(new Figure("theory-alignment", new LinePlot(
        "Aligned vs misaligned fine-tuning task (LR " + fmt(referenceLr) + ", λ " + fmt(smallestLambda) + ")",
        "pre-training time T (LR x steps)", "pre-training loss after fine-tuning", true, false, byAngle)));

    TheoryResult.Trajectory tr = result.trajectory();
    List<Series> modes = new ArrayList<>();
    for (int i = 0; i < result.strengths().length; i++) {
      modes.add(Series.of("mode " + (i + 1) + String.format(" (s = %.3g)", result.strengths()[i]), tr.times(),
          column(tr.singularValues(), i)).withoutMarkers().inColour(i));
      modes.add(Series.of("mode " + (i + 1) + " closed form", tr.times(), column(tr.closedForm(), i))
          .asDashed().inColour(i).hiddenFromLegend());
    }
    figures.add(new Figure("theory-singular-values", new LinePlot(
        "Singular values learned during pre-training (dashed: closed form)",
        "pre-training time t (LR x steps)", "singular value of W2 W1", false, false, modes)));
    return figures;
  }

  private Path writeSettingsCsv(Path file) throws IOException {
    StringBuilder csv = new StringBuilder(
        "lr,lambda,angle_degrees,pretrain_time,pretrain_loss_before,pretrain_loss_after,finetune_loss\n");
    double[] t = result.times();
    for (Setting s : result.settings()) {
      for (int k = 0; k < t.length; k++) {
        csv.append(s.lr()).append(',').append(s.lambda()).append(',').append(s.angleDegrees())
            .append(',').append(t[k]).append(',').append(result.lossBefore()[k])
            .append(',').append(s.lossAfter()[k]).append(',').append(s.finetuneLoss()[k]).append('\n');
      }
    }
    AtomicWrite.writeString(file, csv.toString());
    return file;
  }

  private Path writeLearnedCsv(Path file) throws IOException {
    StringBuilder csv = new StringBuilder("pretrain_time,mode,target_singular_value,learned_singular_value\n");
    for (int k = 0; k < result.times().length; k++) {
      for (int i = 0; i < result.strengths().length; i++) {
        csv.append(result.times()[k]).append(',').append(i + 1).append(',')
            .append(result.strengths()[i]).append(',').append(result.learned()[k][i]).append('\n');
      }
    }
    AtomicWrite.writeString(file, csv.toString());
    return file;
  }

  private Path writeTrajectoryCsv(Path file) throws IOException {
    TheoryResult.Trajectory tr = result.trajectory();
    StringBuilder csv = new StringBuilder("time,mode,singular_value,mode_strength,closed_form\n");
    for (int k = 0; k < tr.times().length; k++) {
      for (int i = 0; i < result.strengths().length; i++) {
        csv.append(tr.times()[k]).append(',').append(i + 1).append(',')
            .append(tr.singularValues()[k][i]).append(',').append(tr.modeStrengths()[k][i])
            .append(',').append(tr.closedForm()[k][i]).append('\n');
      }
    }
    AtomicWrite.writeString(file, csv.toString());
    return file;
  }

  private Path writeJson(Path file) throws IOException {
    ObjectMapper json = Configs.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.set("config", json.valueToTree(result.config()));
    root.set("target_singular_values", json.valueToTree(result.strengths()));
    root.put("initial_mode_strength", result.initialStrength());
    ArrayNode settings = root.putArray("settings");
    for (Setting s : result.settings()) {
      ObjectNode node = settings.addObject();
      node.put("lr", s.lr());
      node.put("lambda", s.lambda());
      node.put("angle_degrees", s.angleDegrees());
      ObjectNode inflection = node.putObject("inflection");
      inflection.put("found", s.inflection().interior());
      if (s.inflection().interior()) {
        inflection.put("pretrain_time", s.inflection().time());
        inflection.put("pretrain_loss_after", s.inflection().loss());
      }
      inflection.put("description", s.inflection().describe());
    }
    AtomicWrite.write(file, out -> json.writeValue(out, root));
    return file;
  }

  private static double[] column(double[][] rows, int i) {
    double[] out = new double[rows.length];
    for (int k = 0; k < rows.length; k++) out[k] = rows[k][i];
    return out;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }
}
