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
        if ((logX && !(s.x()[i] > 0)) || (logY && !(s.y()[i] > 0))) {
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

  /** The XChart chart, for callers that embed or restyle it. */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    var styler = chart.getStyler();
    styler.setXAxisLogarithmic(logX);
    styler.setYAxisLogarithmic(logY);
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xDDDDDD));
    styler.setMarkerSize(5);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
      xy.setLineColor(PALETTE[Math.floorMod(s.colour() < 0 ? i : s.colour(), PALETTE.length)]);
      xy.setMarkerColor(xy.getLineColor());
      xy.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      xy.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : new BasicStroke(1.8f));
      xy.setShowInLegend(s.inLegend());
    }
    return chart;
  }
}
