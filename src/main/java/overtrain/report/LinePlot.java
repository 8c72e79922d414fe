package overtrain.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import overtrain.io.AtomicWrite;

/**
 * A line chart of named (x, y) series, written as PNG and SVG side by side. Log axes for
 * quantities spaced geometrically (budgets, learning rates); a legend outside the plot area
 * so that it never hides a curve.
 *
 * @param title the chart's title
 * @param xLabel the x axis label, with its unit
 * @param yLabel the y axis label
 * @param logX whether x is drawn on a log scale (every x must then be positive)
 * @param logY whether y is drawn on a log scale
 * @param series the lines, drawn in order
 */
public record LinePlot(
    String title, String xLabel, String yLabel, boolean logX, boolean logY, List<Series> series) {

  /** Okabe and Ito's colour-blind-safe palette, its pale yellow swapped for a readable brown. */
  private static final Color[] PALETTE = {
    new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
    new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B),
  };
  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;

  public LinePlot {
    series = List.copyOf(series);
    if (series.isEmpty()) throw new IllegalArgumentException("plot '" + title + "' has no series");
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if ((logX && !(s.x()[i] > 0)) || (logY && !(s.y()[i] > 0)) || (logY && s.hasBand() && !(s.low()[i] > 0))) {
          throw new IllegalArgumentException("plot '" + title + "', series '" + s.name()
              + "': point " + i + " is not positive on a log axis");
        }
      }
    }
  }

  /** Writes base.png and base.svg into dir; returns both paths. */
  public List<Path> write(Path dir, String base) throws IOException {
    XYChart chart = chart();
    Path png = dir.resolve(base + ".png");
    Path svg = dir.resolve(base + ".svg");
    AtomicWrite.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    AtomicWrite.write(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(
        chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    return List.of(png, svg);
  }

  /** The chart as PNG bytes, for embedding in a page. */
  public byte[] png() throws IOException {
    return BitmapEncoder.getBitmapBytes(chart(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * A log axis, drawn as a linear one in doublings from the smallest value: XChart's own log axis
   * spaces its labels linearly within a decade and drops most of them, so that a grid of 10k,
   * 20k, 40k, 80k tokens or gammas 0.05 to 0.4 showed two labels, misplaced. Here a tick at
   * every whole doubling lands on such a grid's own values, and every label is the value there
   * ("16M", "0.05", "3e-3").
   */
  record LogAxis(double origin) {
    double to(double v) {
      return Math.log(v / origin) / Math.log(2);
    }

    double[] to(double[] v) {
      double[] out = new double[v.length];
      for (int i = 0; i < v.length; i++) out[i] = to(v[i]);
      return out;
    }

    String label(double doublings) {
      return Numbers.compact(origin * Math.pow(2, doublings));
    }
  }

  /** The XChart chart, for callers that embed or restyle it. */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    var styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xDDDDDD));
    styler.setMarkerSize(5);
    LogAxis lx = logX ? new LogAxis(extent(true, false)) : null;
    LogAxis ly = logY ? new LogAxis(extent(false, false)) : null;
    styler.setxAxisTickLabelsFormattingFunction(lx != null ? lx::label : Numbers::tick);
    styler.setyAxisTickLabelsFormattingFunction(ly != null ? ly::label : Numbers::tick);
    if (lx != null) {
      // a tick per doubling, or per two when the range is wide: never between doublings
      double range = lx.to(extent(true, true));
      styler.setXAxisTickMarkSpacingHint(Math.max(60, (int) (WIDTH * 0.7 / Math.max(1, Math.ceil(range)))));
    }
    if (ly != null) {
      double range = ly.to(extent(false, true));
      styler.setYAxisTickMarkSpacingHint(Math.max(40, (int) (HEIGHT * 0.75 / Math.max(1, Math.ceil(range)))));
    }
    styler.setErrorBarsColorSeriesColor(true);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      Color colour = PALETTE[Math.floorMod(s.colour() < 0 ? i : s.colour(), PALETTE.length)];
      XYSeries xy;
      double[] x = lx == null ? s.x() : lx.to(s.x());
      double[] y = ly == null ? s.y() : ly.to(s.y());
      if (s.hasBand() && ly == null && symmetric(s)) {
        double[] err = new double[s.x().length];
        for (int k = 0; k < err.length; k++) err[k] = (s.high()[k] - s.low()[k]) / 2;
        xy = chart.addSeries(s.name(), x, y, err);
      } else {
        xy = chart.addSeries(s.name(), x, y);
        if (s.hasBand()) {
          for (double[] edge : List.of(s.low(), s.high())) {
            XYSeries e = chart.addSeries(s.name() + (edge == s.low() ? " (low)" : " (high)"), x,
                ly == null ? edge : ly.to(edge));
            e.setLineColor(colour);
            e.setMarker(SeriesMarkers.NONE);
            e.setLineStyle(new BasicStroke(0.8f));
            e.setShowInLegend(false);
          }
        }
      }
      xy.setLineColor(colour);
      xy.setMarkerColor(xy.getLineColor());
      xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : new BasicStroke(1.8f));
      xy.setShowInLegend(s.inLegend());
    }
    return chart;
  }

  private static boolean symmetric(Series s) {
    for (int k = 0; k < s.x().length; k++) {
      double below = s.y()[k] - s.low()[k], above = s.high()[k] - s.y()[k];
      if (Math.abs(below - above) > 1e-9 * Math.max(1, Math.abs(s.y()[k]))) return false;
    }
    return true;
  }

  /** The smallest or largest x (or y, band included) over all series. */
  private double extent(boolean x, boolean max) {
    double e = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (Series s : series) {
      for (double[] v : x ? List.of(s.x()) : s.hasBand() ? List.of(s.y(), s.low(), s.high()) : List.of(s.y())) {
        for (double d : v) e = max ? Math.max(e, d) : Math.min(e, d);
      }
    }
    return e;
  }
}
