package overtrain.report;

/**
 * One named line of (x, y) points in a {@link LinePlot}.
 *
 * @param name the legend entry
 * @param x abscissae
 * @param y ordinates, as many as x
 * @param dashed drawn dashed (a reference or model curve) rather than solid
 * @param markers whether each point gets a marker (measured points), or the line is bare
 * @param colour index into the plot's palette; series sharing one are drawn alike, -1 picks
 *     the series' own position
 * @param inLegend whether the legend lists it (a reference curve may share its partner's)
 */
public record Series(
    String name, double[] x, double[] y, boolean dashed, boolean markers, int colour, boolean inLegend) {

  public Series {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a series needs a name");
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but "
          + y.length + " y values");
    }
    if (x.length == 0) throw new IllegalArgumentException("series '" + name + "' has no points");
  }

  /** A solid line with markers, coloured by position, listed in the legend. */
  public static Series of(String name, double[] x, double[] y) {
    return new Series(name, x, y, false, true, -1, true);
  }

  public Series asDashed() {
    return new Series(name, x, y, true, false, colour, inLegend);
  }

  public Series withoutMarkers() {
    return new Series(name, x, y, dashed, false, colour, inLegend);
  }

  public Series inColour(int index) {
    return new Series(name, x, y, dashed, markers, index, inLegend);
  }

  public Series hiddenFromLegend() {
    return new Series(name, x, y, dashed, markers, colour, false);
  }
}
