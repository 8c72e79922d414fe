package overtrain.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a cell measured.
 *
 * @param measurements rows {metric, value, + extra coordinates (e.g. gamma, split)}
 * @param outputs anything else for the record
 */
public record CellResult(List<ObjectNode> measurements, ObjectNode outputs) {
  public CellResult {
    measurements = List.copyOf(measurements);
    for (ObjectNode m : measurements) {
      if (!m.hasNonNull("metric") || !m.hasNonNull("value")) {
        throw new IllegalArgumentException("a measurement needs 'metric' and 'value': " + m);
      }
    }
  }
}
