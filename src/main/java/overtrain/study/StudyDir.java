package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import overtrain.io.AtomicWrite;
import overtrain.io.Json;

/**
 * A study's folder: {@code study.yaml} (the file as used), and per cell {@code
 * cells/<id>/cell.json}, {@code claim} while a worker holds it, {@code progress}, {@code
 * log.txt}, {@code failed.json} after an exception and {@code result.json} once done. Every
 * worker, local or on Slurm, reads and writes the same files: they are the study's only state.
 */
public final class StudyDir {
  private final StudyPlan plan;
  private final Path root;

  public StudyDir(StudyPlan plan) {
    this.plan = plan;
    this.root = plan.dir();
  }

  public StudyPlan plan() {
    return plan;
  }

  public Path root() {
    return root;
  }

  public Path studyYaml() {
    return root.resolve("study.yaml");
  }

  public Path cellDir(String id) {
    return root.resolve("cells").resolve(id);
  }

  public Path result(String id) {
    return cellDir(id).resolve("result.json");
  }

  public Path claim(String id) {
    return cellDir(id).resolve("claim");
  }

  public Path failed(String id) {
    return cellDir(id).resolve("failed.json");
  }

  public Path log(String id) {
    return cellDir(id).resolve("log.txt");
  }

  public Path progressFile(String id) {
    return cellDir(id).resolve("progress");
  }

  public boolean isDone(String id) {
    return Files.exists(result(id));
  }

  public JsonNode readResult(String id) throws IOException {
    return Json.read(result(id));
  }

  /** Tokens a running cell last reported, 0 when it has not yet. */
  public long progress(String id) {
    try {
      return Long.parseLong(Files.readString(progressFile(id)).trim());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  public Optional<Claim.Owner> owner(String id) throws IOException {
    return Claim.read(claim(id));
  }

  /**
   * Makes the folder ready for {@code file}'s plan: copies the file to study.yaml and writes
   * each cell's cell.json. A folder made from another file is refused unless that file's
   * cells are all still in this one (the new file only added cells), so that one folder never
   * mixes the results of two different studies.
   */
  public void prepare(Path file) throws IOException {
    String text = StudyFile.text(file);
    Path copy = studyYaml();
    String old = null;
    try {
      old = Files.readString(copy);
    } catch (NoSuchFileException e) {
      // a new study
    }
    if (old != null && !old.equals(text)) {
      StudyPlan before;
      try {
        before = StudyFile.parse(old, copy.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(copy + " cannot be read (" + e.getMessage()
            + "); move the folder aside or give the study another dir:");
      }
      Set<String> now = new HashSet<>();
      for (Cell c : plan.cells()) now.add(c.id());
      List<String> gone = new ArrayList<>();
      for (Cell c : before.cells()) if (!now.contains(c.id())) gone.add(c.label());
      if (!gone.isEmpty()) {
        throw new IllegalStateException(file + " differs from " + copy + ", the file this folder was"
            + " made from, in more than new cells: " + gone.size() + " of its cells are not in "
            + file + " (e.g. " + gone.get(0) + "). Give the changed study another name: or dir:,"
            + " or only add cells.");
      }
    }
    if (!text.equals(old)) AtomicWrite.writeString(copy, text);
    for (Cell c : plan.cells()) {
      Path cellJson = cellDir(c.id()).resolve("cell.json");
      if (!Files.exists(cellJson)) Json.write(cellJson, c.toJson());
    }
  }
}
