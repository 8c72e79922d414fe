package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.study.Findings;

class StudyReportTest {

  @TempDir Path dir;

  private static StudyReport report(int dip, boolean perturb, boolean finetune) {
    return StudyReport.of(new SyntheticStudy(dip, perturb, finetune).table(), null, SyntheticStudy.meta());
  }

  @Test
  void theSummaryOfOneBudgetSaysWhatItsFindingsNeedRatherThanNone() {
    overtrain.study.Results.Table all = new SyntheticStudy(1, true, true).table();
    int budget = all.columns().indexOf("budget");
    overtrain.study.Results.Table one = new overtrain.study.Results.Table(all.columns(), all.rows().stream()
        .filter(r -> r.get(budget).asLong() == SyntheticStudy.BUDGETS[0]).toList());
    List<String> lines = StudyReport.of(one, null, SyntheticStudy.meta()).summary();
    assertTrue(lines.contains("Inflection (lowest held-out loss after): needs 3 budgets or more; the study has 1."),
        String.join("\n", lines));
    assertTrue(lines.contains("Degradation against budget (Spearman rho): needs 2 budgets or more."),
        String.join("\n", lines));
    // the whole grid counts every modification
    List<String> full = report(1, true, true).summary();
    assertTrue(full.stream().anyMatch(l -> l.matches("Degradation grows with budget \\(Spearman rho > 0\\) for \\d+ of \\d+; .*")),
        String.join("\n", full));
  }

  private static StudyReport.Figure figure(StudyReport r, String id) {
    return r.figures().stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no figure " + id + " in " + r.figures().stream().map(StudyReport.Figure::id).toList()));
  }

  private static double mean(double... v) {
    double s = 0;
    for (double d : v) s += d;
    return s / v.length;
  }

  private static double sd(double... v) {
    double m = mean(v), ss = 0;
    for (double d : v) ss += (d - m) * (d - m);
    return Math.sqrt(ss / (v.length - 1));
  }

  @Test
  void drawsEachFigureTheStudyHasCellsFor() {
    List<String> all = report(2, true, true).figures().stream().map(StudyReport.Figure::id).toList();
    assertEquals(List.of("base", "perturb-loss", "perturb-degradation", "finetune-heldout-cls", "finetune-id-cls",
        "tuned-lr-cls", "tuned-id-cls", "tuned-heldout-cls"), all);
    StudyReport baseOnly = report(2, false, false);
    assertEquals(List.of("base"), baseOnly.figures().stream().map(StudyReport.Figure::id).toList());
  }

  @Test
  void baseFigurePlotsTheMeanOverSeedsWithAnSdBand() {
    Series s = figure(report(2, false, false), "base").plot().series().get(0);
    assertEquals("m20 (20M params)", s.name());
    for (int b = 0; b < SyntheticStudy.BUDGETS.length; b++) {
      double[] v = {SyntheticStudy.base(b, 1), SyntheticStudy.base(b, 2)};
      assertEquals(SyntheticStudy.BUDGETS[b], s.x()[b]);
      assertEquals(mean(v), s.y()[b], 1e-12);
      assertEquals(mean(v) - sd(v), s.low()[b], 1e-12);
      assertEquals(mean(v) + sd(v), s.high()[b], 1e-12);
    }
  }

  @Test
  void degradationBandsSpanSeedsAndDirections() {
    List<Series> series = figure(report(2, true, false), "perturb-degradation").plot().series();
    assertEquals(List.of("gamma=0.05", "gamma=0.1"), series.stream().map(Series::name).toList());
    for (int g = 0; g < 2; g++) {
      for (int b = 0; b < SyntheticStudy.BUDGETS.length; b++) {
        double gamma = SyntheticStudy.GAMMAS[g];
        double[] v = {SyntheticStudy.degradation(b, gamma, 1, 1), SyntheticStudy.degradation(b, gamma, 1, 2),
            SyntheticStudy.degradation(b, gamma, 2, 1), SyntheticStudy.degradation(b, gamma, 2, 2)};
        assertEquals(mean(v), series.get(g).y()[b], 1e-12);
        assertEquals(mean(v) + sd(v), series.get(g).high()[b], 1e-12);
      }
    }
  }

  @Test
  void tunedFiguresFollowTheRateValidationChose() {
    SyntheticStudy study = new SyntheticStudy(2, false, true);
    StudyReport r = StudyReport.of(study.table(), null, SyntheticStudy.meta());
    Series lr = figure(r, "tuned-lr-cls").plot().series().get(0);
    Series heldout = figure(r, "tuned-heldout-cls").plot().series().get(0);
    Series id = figure(r, "tuned-id-cls").plot().series().get(0);
    for (int b = 0; b < SyntheticStudy.BUDGETS.length; b++) {
      double c = SyntheticStudy.chosen(b);
      assertEquals(c, lr.y()[b], 1e-15);
      assertEquals(mean(study.after(b, c, 1), study.after(b, c, 2)), heldout.y()[b], 1e-12);
      assertEquals(mean(SyntheticStudy.perplexity(b, c, 1), SyntheticStudy.perplexity(b, c, 2)), id.y()[b], 1e-12);
    }
    // the in-distribution metric of a classification task is its class perplexity on test
    assertTrue(figure(r, "finetune-id-cls").plot().yLabel().contains("class perplexity"));
  }

  @Test
  void csvHoldsExactlyThePlottedNumbers() {
    StudyReport r = report(2, true, true);
    List<String> lines = r.csv().lines().toList();
    assertEquals("figure,series,x,y,low,high", lines.get(0));
    List<String> expected = new ArrayList<>();
    for (StudyReport.Figure f : r.figures()) {
      for (Series s : f.plot().series()) {
        for (int i = 0; i < s.x().length; i++) {
          expected.add(f.id() + "|" + s.name() + "|" + s.x()[i] + "|" + s.y()[i] + "|"
              + (s.hasBand() ? s.low()[i] + "|" + s.high()[i] : "|"));
        }
      }
    }
    List<String> got = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1);
      assertEquals(6, c.length, line);
      got.add(c[0] + "|" + c[1] + "|" + Double.parseDouble(c[2]) + "|" + Double.parseDouble(c[3]) + "|"
          + (c[4].isEmpty() ? "" : Double.parseDouble(c[4])) + "|" + (c[5].isEmpty() ? "" : Double.parseDouble(c[5])));
    }
    assertEquals(expected, got);
    // and those are the study's numbers: the base figure's first point is the mean of its seeds
    String[] first = lines.get(1).split(",");
    assertEquals("base", first[0]);
    assertEquals(1_000_000, Double.parseDouble(first[2]));
    assertEquals(mean(SyntheticStudy.base(0, 1), SyntheticStudy.base(0, 2)), Double.parseDouble(first[3]), 1e-12);
  }

  @Test
  void sentencesSayWhereTheDataIsLowest() {
    for (int dip : new int[] {1, 2}) {
      SyntheticStudy study = new SyntheticStudy(dip, false, true);
      StudyReport r = StudyReport.of(study.table(), null, SyntheticStudy.meta());
      double low = mean(study.after(dip, 3e-2, 1), study.after(dip, 3e-2, 2));
      double last = mean(study.after(3, 3e-2, 1), study.after(3, 3e-2, 2));
      String budget = Numbers.tokens(SyntheticStudy.BUDGETS[dip]);
      String sentence = figure(r, "finetune-heldout-cls").sentence();
      String expected = "lr 3e-2: lowest at " + budget + " tokens (" + Numbers.plain(low, 3) + " nats), rises "
          + Numbers.plain(last - low, 3) + " nats by 64M";
      assertTrue(sentence.contains(expected), sentence + " lacks: " + expected);
      // the low rate's loss falls with the budget throughout
      assertTrue(sentence.contains("lr 1e-3: lowest at the largest budget, 64M tokens"), sentence);
    }
    String deg = figure(report(2, true, false), "perturb-degradation").sentence();
    assertTrue(deg.startsWith("gamma=0.05: grows from "), deg);
    String lr = figure(report(2, false, true), "tuned-lr-cls").sentence();
    assertTrue(lr.contains("falls from 3e-2 at 1M tokens to 1e-3 at 64M"), lr);
  }

  @Test
  void pageIsSelfContainedWithTheInflectionTableAndSettings() throws Exception {
    SyntheticStudy study = new SyntheticStudy(2, true, true);
    StudyReport r = StudyReport.of(study.table(), null, SyntheticStudy.meta());
    List<Path> written = r.write(dir);
    assertEquals(List.of(dir.resolve("report.html"), dir.resolve("report.csv")), written);
    String html = Files.readString(written.get(0));
    // base64 may spell anything by chance: look at the page around its inlined figures
    var data = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(html);
    int images = 0;
    while (data.find()) {
      byte[] png = java.util.Base64.getDecoder().decode(data.group(1));
      assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
      images++;
    }
    String text = data.replaceAll("data:");
    assertFalse(text.toLowerCase(Locale.ROOT).contains("http"), "an external URL in the page");
    assertFalse(text.contains("//"), "a URL in the page");
    assertFalse(Pattern.compile("(src|href)\\s*=\\s*\"(?!data:)").matcher(text).find(), "a link to a file or site");
    assertFalse(text.contains("<link") || text.contains("@import") || text.contains("url("), "a stylesheet link");
    assertEquals(r.figures().size(), images);
    for (StudyReport.Figure f : r.figures()) assertTrue(html.contains(StudyReport.esc(f.sentence())), f.id());
    // the inflection table shows the findings' numbers
    ObjectNode findings = Findings.of(study.table(), "");
    var ft = findings.path("modifications").path("m20 | finetune cls lr=0.03").path("heldout_loss_after");
    assertTrue(ft.path("inflection_tokens").isNumber(), ft.toString());
    assertTrue(html.contains("<td>" + Numbers.tokens(ft.get("inflection_tokens").asDouble()) + "</td>"), "inflection");
    assertTrue(html.contains(Numbers.tokens(ft.get("interval_low_tokens").asDouble()) + " - "
        + Numbers.tokens(ft.get("interval_high_tokens").asDouble())), "interval");
    // settings: the study file, the seeds, the code version, the summed wall time
    assertTrue(html.contains("name: synthetic\nseeds: [1, 2]"));
    assertTrue(html.contains("0.1.0-test+abc"));
    assertTrue(html.contains("1 h 2 min"));
    assertTrue(html.contains("<dt>pre-training seeds</dt><dd>1, 2</dd>"));
    assertEquals(r.csv(), Files.readString(written.get(1)));
  }
}
