package overtrain.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import overtrain.io.Json;

/**
 * The {@code selftest:} section: a grid of cells that do deterministic CPU work, to prove the
 * engine (pool, claims, resumption, Slurm) on any machine without data or models.
 *
 * <pre>selftest: {stages: 2, cells_per_stage: 4, seconds: 1.0, seed: 7, fail: ["2.1"]}</pre>
 *
 * Cell i of stage s (both from 1) depends on cells i and i+1 (wrapping) of stage s-1. Its work
 * is a SHA-256 hash chain seeded from its spec and its dependencies' values, long enough to
 * take about {@code seconds} on one core; it saves its place in {@code state.json} every
 * twentieth of the chain, so a killed cell resumes where it was and ends with the same value.
 * {@code fail} names cells ("stage.index") that throw instead, to test failure handling.
 */
final class Selftest implements StudyFile.Section {
  static final String KIND = "selftest";
  /** Hash-chain links a core does per second: sets the chain's length from {@code seconds}. */
  static final long LINKS_PER_SECOND = 5_000_000L;
  private static final int CHUNKS = 20;
  private static final Set<String> FIELDS = Set.of("stages", "cells_per_stage", "seconds", "seed", "fail");

  @Override
  public List<Cell> expand(JsonNode section, String where, List<Cell> earlier) {
    StudyFile.onlyFields(section, where, FIELDS);
    int stages = StudyFile.intField(section, "stages", 2, 1, where);
    int perStage = StudyFile.intField(section, "cells_per_stage", 4, 1, where);
    double seconds = StudyFile.positiveField(section, "seconds", 1.0, where);
    JsonNode seedNode = section.get("seed");
    if (seedNode != null && !seedNode.isIntegralNumber()) {
      throw new IllegalArgumentException(where + ".seed: expected an integer, got " + seedNode);
    }
    long seed = seedNode == null ? 1 : seedNode.asLong();
    Set<String> fail = new HashSet<>();
    JsonNode failNode = section.get("fail");
    if (failNode != null) {
      if (!failNode.isArray()) {
        throw new IllegalArgumentException(where + ".fail: expected a list of \"stage.index\", got " + failNode);
      }
      for (JsonNode f : failNode) {
        String s = f.asText();
        if (!s.matches("\\d+\\.\\d+")) {
          throw new IllegalArgumentException(where + ".fail: expected \"stage.index\" (e.g. \"2.1\"), got " + f);
        }
        fail.add(s);
      }
    }
    long links = Math.max(CHUNKS, Math.round(seconds * LINKS_PER_SECOND));
    List<Cell> cells = new ArrayList<>();
    List<Cell> previous = List.of();
    for (int s = 1; s <= stages; s++) {
      List<Cell> stage = new ArrayList<>();
      for (int i = 1; i <= perStage; i++) {
        ObjectNode spec = Json.object();
        spec.put("stage", s);
        spec.put("index", i);
        spec.put("seed", seed);
        spec.put("links", links);
        if (fail.contains(s + "." + i)) spec.put("fail", true);
        List<String> deps = new ArrayList<>();
        if (!previous.isEmpty()) {
          deps.add(previous.get(i - 1).id());
          String next = previous.get(i % perStage).id();
          if (!deps.contains(next)) deps.add(next);
        }
        ObjectNode coords = Json.object();
        coords.put("stage", s);
        coords.put("index", i);
        stage.add(Cell.of(KIND, "selftest stage=" + s + " index=" + i, deps, spec, coords, links, 1));
      }
      cells.addAll(stage);
      previous = stage;
    }
    return cells;
  }

  @Override
  public Map<String, CellExecutor> executors() {
    return Map.of(KIND, Selftest::run);
  }

  @Override
  public Map<String, Estimator> estimators() {
    return Map.of(KIND, cell -> cell.spec().get("links").asDouble() / LINKS_PER_SECOND);
  }

  static CellResult run(Cell cell, CellContext ctx) throws Exception {
    if (cell.spec().path("fail").asBoolean(false)) {
      throw new IllegalStateException("fails on purpose (selftest fail: \"" + cell.spec().get("stage") + "." + cell.spec().get("index") + "\")");
    }
    long links = cell.spec().get("links").asLong();
    Path state = ctx.dir().resolve("state.json");
    long done;
    byte[] hash;
    if (Files.exists(state)) {
      JsonNode s = Json.read(state);
      done = s.get("links_done").asLong();
      hash = HexFormat.of().parseHex(s.get("hash").asText());
    } else {
      MessageDigest seed = MessageDigest.getInstance("SHA-256");
      seed.update(Json.canonical(cell.spec()).getBytes(StandardCharsets.UTF_8));
      for (String d : cell.dependsOn()) {
        seed.update(ctx.resultOf(d).get("outputs").get("hash").asText().getBytes(StandardCharsets.UTF_8));
      }
      done = 0;
      hash = seed.digest();
    }
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    long chunk = (links + CHUNKS - 1) / CHUNKS;
    while (done < links) {
      long end = Math.min(links, done + chunk);
      for (long i = done; i < end; i++) {
        md.update(hash);
        md.digest(hash, 0, 32);
      }
      done = end;
      ObjectNode s = Json.object();
      s.put("links_done", done);
      s.put("hash", HexFormat.of().formatHex(hash));
      Json.write(state, s);
      ctx.progress(done);
    }
    ByteBuffer b = ByteBuffer.wrap(hash);
    List<ObjectNode> rows = new ArrayList<>();
    for (String half : new String[] {"first", "second"}) {
      ObjectNode m = Json.object();
      m.put("metric", "hash_fraction");
      // 53 bits of the hash as a double in [0, 1): a value that moves with every input bit.
      m.put("value", (b.getLong() >>> 11) * 0x1.0p-53);
      m.put("half", half);
      rows.add(m);
    }
    ObjectNode outputs = Json.object();
    outputs.put("hash", HexFormat.of().formatHex(hash));
    return new CellResult(rows, outputs);
  }
}
