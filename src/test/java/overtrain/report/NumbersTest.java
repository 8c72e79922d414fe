package overtrain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {

  @Test
  void tokenCountsReadAsPeopleWriteThem() {
    assertEquals("1M", Numbers.tokens(1e6));
    assertEquals("16M", Numbers.tokens(16_000_000));
    assertEquals("1.5M", Numbers.tokens(1_500_000));
    assertEquals("32.8k", Numbers.tokens(32_768));
    assertEquals("2B", Numbers.tokens(2e9));
    assertEquals("512", Numbers.tokens(512));
  }

  @Test
  void smallNumbersKeepTheirLeadingZero() {
    assertEquals("0.05", Numbers.compact(0.05));
    assertEquals("0.05", Numbers.tick(0.05));
    assertEquals("-0.05", Numbers.tick(-0.05));
    assertEquals("3e-3", Numbers.compact(0.003));
    assertEquals("0", Numbers.tick(1e-17));
  }

  @Test
  void ratesInPowersOfTen() {
    assertEquals("3e-2", Numbers.rate(0.03));
    assertEquals("1e-3", Numbers.rate(1e-3));
    assertEquals("1e-3", Numbers.rate(9.9999e-4)); // rounding carries into the next power
    assertEquals("0.1", Numbers.rate(0.1));
  }

  @Test
  void narrowAxisTicksStayApart() {
    assertEquals("4.502", Numbers.tick(4.502000000001));
    assertEquals("4.501", Numbers.tick(4.501));
  }
}
