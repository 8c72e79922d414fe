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
    // Text is drawn as glyph outlines, so check the log axis through the chart instead.
    assertTrue(plot.chart().getStyler().isXAxisLogarithmic());
    assertEquals(List.of("measured", "model"), List.copyOf(plot.chart().getSeriesMap().keySet()));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "temporary files left behind");
    }
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
