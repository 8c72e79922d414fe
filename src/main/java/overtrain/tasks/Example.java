package overtrain.tasks;

import java.util.List;

/**
 * One example in the model-facing form: the candidates and which of them is right. A
 * classification example has one candidate per class, a multiple-choice example one per
 * choice; an lm or instruction example has exactly one, and {@code gold} is 0.
 */
public record Example(List<Candidate> candidates, int gold) {
  public Example {
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) throw new IllegalArgumentException("an example needs a candidate");
    if (gold < 0 || gold >= candidates.size())
      throw new IllegalArgumentException("gold " + gold + " outside 0.." + (candidates.size() - 1));
  }

  /** The single candidate of an lm or instruction example; the right one of any other. */
  public Candidate target() {
    return candidates.get(gold);
  }
}
