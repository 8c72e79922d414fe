package overtrain.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Numbers as people read them on an axis or in a sentence: token counts as "16M", rates as
 * "3e-3", losses with a leading zero ("0.05", never ".05").
 */
public final class Numbers {
  private Numbers() {}

  /** A count with a k/M/B suffix and at most three significant digits: 16000000 as "16M". */
  public static String tokens(double v) {
    double a = Math.abs(v);
    if (a >= 1e12) return plain(v / 1e12, 3) + "T";
    if (a >= 1e9) return plain(v / 1e9, 3) + "B";
    if (a >= 1e6) return plain(v / 1e6, 3) + "M";
    if (a >= 1e3) return plain(v / 1e3, 3) + "k";
    return plain(v, 3);
  }

  /** Any quantity: a count above 1000 as {@link #tokens}, a small one as "3e-3", else plainly. */
  public static String compact(double v) {
    double a = Math.abs(v);
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v == 0 ? "0" : Double.toString(v);
    if (a >= 1e3) return tokens(v);
    if (a < 1e-2) {
      int exp = (int) Math.floor(Math.log10(a));
      String mantissa = plain(v / Math.pow(10, exp), 3);
      // rounding may carry into the next power: 9.999e-4 -> "10e-4"
      if (mantissa.replace("-", "").equals("10")) {
        exp++;
        mantissa = v < 0 ? "-1" : "1";
      }
      return mantissa + "e" + exp;
    }
    return plain(v, 3);
  }

  /**
   * A linear axis's tick: as {@link #compact}, but with up to six significant digits between
   * 0.01 and 1000, so that the ticks of a narrow range (4.501, 4.502) stay apart.
   */
  public static String tick(double v) {
    double a = Math.abs(v);
    // a tick meant to be zero may arrive as 1e-17
    if (a < 1e-12) return "0";
    return a >= 1e-2 && a < 1e3 ? plain(v, 6) : compact(v);
  }

  /** A learning rate as people write one: "3e-2", "1e-3", "0.1" (below 0.1 always in powers of ten). */
  public static String rate(double v) {
    double a = Math.abs(v);
    if (a >= 0.1 || a == 0) return compact(v);
    int exp = (int) Math.floor(Math.log10(a) + 1e-12);
    String mantissa = plain(v / Math.pow(10, exp), 3);
    if (mantissa.replace("-", "").equals("10")) {
      exp++;
      mantissa = v < 0 ? "-1" : "1";
    }
    return mantissa + "e" + exp;
  }

  /** v to the given significant digits, trailing zeros dropped, with a leading zero. */
  public static String plain(double v, int digits) {
    if (v == 0) return "0";
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  /** A fixed number of decimals, Locale-independent. */
  public static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
