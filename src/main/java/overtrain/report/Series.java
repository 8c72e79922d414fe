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
 * @param low lower edge of a band around y at each x (e.g. mean - sd over seeds), or null
 * @param high upper edge of the band, or null (both or neither)
 */
public record Series(
    String name, double[] x, double[] y, boolean dashed, boolean markers, int colour, boolean inLegend,
    double[] low, double[] high) {

  public Series(
      String name, double[] x, double[] y, boolean dashed, boolean markers, int colour, boolean inLegend) {
    this(name, x, y, dashed, markers, colour, inLegend, null, null);
  }

  public Series {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a series needs a name");
    if (x.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values but "
          + y.length + " y values");
    }
    if (x.length == 0) throw new IllegalArgumentException("series '" + name + "' has no points");
    if ((low == null) != (high == null)) {
      throw new IllegalArgumentException("series '" + name + "': a band needs both its low and high edge");
    }
    if (low != null) {
      for (int i = 0; i < x.length; i++) {
        if (low.length != x.length || high.length != x.length || !(low[i] <= y[i] && y[i] <= high[i])) {
          throw new IllegalArgumentException("series '" + name + "': the band must have one [low, high]"
              + " around y per point (point " + Math.min(i, Math.min(low.length, high.length)) + ")");
        }
      }
    }
  }

  /** Whether a band is drawn around the line. */
  public boolean hasBand() {
    return low != null;
  }

  /** The same line with a band from low to high around it. */
  public Series withBand(double[] low, double[] high) {
    return new Series(name, x, y, dashed, markers, colour, inLegend, low, high);
  }

  /** A solid line with markers, coloured by position, listed in the legend. */
  public static Series of(String name, double[] x, double[] y) {
    return new Series(name, x, y, false, true, -1, true);
  }

  public Series asDashed() {
    return new Series(name, x, y, true, false, colour, inLegend, low, high);
  }

  public Series withoutMarkers() {
    return new Series(name, x, y, dashed, false, colour, inLegend, low, high);
  }

  public Series inColour(int index) {
    return new Series(name, x, y, dashed, markers, index, inLegend, low, high);
  }

  public Series hiddenFromLegend() {
    return new Series(name, x, y, dashed, markers, colour, false, low, high);
  }
}
