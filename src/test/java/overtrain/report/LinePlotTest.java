package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {

  @TempDir Path dir;

  private static final double[] X = {1, 10, 100};

  @Test
  void writesPngAndSvgWithTheLegend() throws Exception {
    LinePlot plot = new LinePlot("Loss", "budget", "loss", true, false, List.of(
        Series.of("measured", X, new double[] {3, 2, 2.5}),
        Series.of("model", X, new double[] {3, 2.2, 2.4}).asDashed().inColour(0)));
    List<Path> written = plot.write(dir, "loss");
    assertEquals(List.of(dir.resolve("loss.png"), dir.resolve("loss.svg")), written);
    BufferedImage image = ImageIO.read(written.get(0).toFile());
    assertEquals(900, image.getWidth());
    assertEquals(560, image.getHeight());
    String svg = Files.readString(written.get(1));
    assertTrue(svg.startsWith("<?xml") && svg.contains("<svg"), "not an SVG document");
    // Text is drawn as glyph outlines, so check the log axis through the chart instead: drawn in
    // doublings from the smallest x, each tick labelled with the value there.
    var label = plot.chart().getStyler().getxAxisTickLabelsFormattingFunction();
    assertEquals("1", label.apply(0.0));
    assertEquals("2", label.apply(1.0));
    assertEquals(List.of("measured", "model"), List.copyOf(plot.chart().getSeriesMap().keySet()));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "temporary files left behind");
    }
  }

  @Test
  void logAxisTicksReadAsTheGridsOwnValues() {
    // gammas 0.05 to 0.4 (once shown as ".05" with two of four labelled) and budgets 1M to 64M
    double[] gammas = {0.05, 0.1, 0.2, 0.4};
    LinePlot g = new LinePlot("g", "gamma", "nats", true, false,
        List.of(Series.of("s", gammas, new double[] {0.01, 0.02, 0.05, 0.3})));
    var gx = g.chart().getStyler().getxAxisTickLabelsFormattingFunction();
    assertEquals(List.of("0.05", "0.1", "0.2", "0.4"), List.of(gx.apply(0.0), gx.apply(1.0), gx.apply(2.0), gx.apply(3.0)));
    var gy = g.chart().getStyler().getyAxisTickLabelsFormattingFunction();
    assertEquals("0.05", gy.apply(0.05));
    LinePlot b = new LinePlot("b", "tokens", "loss", true, true,
        List.of(Series.of("s", new double[] {1e6, 4e6, 16e6, 64e6}, new double[] {3e-3, 1e-2, 3e-2, 0.1})));
    var bx = b.chart().getStyler().getxAxisTickLabelsFormattingFunction();
    assertEquals(List.of("1M", "4M", "16M", "64M"), List.of(bx.apply(0.0), bx.apply(2.0), bx.apply(4.0), bx.apply(6.0)));
    assertEquals("3e-3", b.chart().getStyler().getyAxisTickLabelsFormattingFunction().apply(0.0));
  }

  @Test
  void bandMustEncloseTheLine() {
    var e = assertThrows(IllegalArgumentException.class, () -> Series.of("b", X, new double[] {1, 2, 3})
        .withBand(new double[] {0, 1, 4}, new double[] {2, 3, 5}));
    assertTrue(e.getMessage().contains("point 2"), e.getMessage());
  }

  @Test
  void logAxisRejectsNonPositivePoints() {
    var e = assertThrows(IllegalArgumentException.class, () -> new LinePlot("t", "x", "y", true, false,
        List.of(Series.of("zero", new double[] {0, 1}, new double[] {1, 2}))));
    assertTrue(e.getMessage().contains("zero"), e.getMessage());
  }

  @Test
  void seriesNeedsMatchingLengths() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Series.of("odd", new double[] {1, 2}, new double[] {1}));
    assertTrue(e.getMessage().contains("odd"), e.getMessage());
  }
}
