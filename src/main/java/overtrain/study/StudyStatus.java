package overtrain.study;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where each cell of a study stands, from the study's folder alone (local and Slurm alike). */
public final class StudyStatus {
  /** A cell's state. */
  public enum State {
    DONE, RUNNING, STALE, FAILED, READY, WAITING;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One cell's state; {@code owner} is present while a claim exists. */
  public record Line(Cell cell, State state, Optional<Claim.Owner> owner) {}

  private StudyStatus() {}

  /** Every cell in stage order. */
  public static List<Line> of(StudyDir dir) throws IOException {
    Duration timeout = dir.plan().claimTimeout();
    List<Line> lines = new ArrayList<>();
    for (List<Cell> stage : dir.plan().stages()) {
      for (Cell c : stage) {
        String id = c.id();
        Optional<Claim.Owner> owner = dir.owner(id);
        State s;
        if (dir.isDone(id)) s = State.DONE;
        else if (owner.isPresent()) s = Claim.isStale(owner.get(), timeout) ? State.STALE : State.RUNNING;
        else if (Files.exists(dir.failed(id))) s = State.FAILED;
        else if (c.dependsOn().stream().allMatch(dir::isDone)) s = State.READY;
        else s = State.WAITING;
        lines.add(new Line(c, s, owner));
      }
    }
    return lines;
  }

  public static Map<State, Integer> counts(List<Line> lines) {
    Map<State, Integer> m = new EnumMap<>(State.class);
    for (State s : State.values()) m.put(s, 0);
    for (Line l : lines) m.merge(l.state(), 1, Integer::sum);
    return m;
  }
}
