package overtrain.tasks.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overtrain.tasks.Example;
import overtrain.tasks.Task;
import overtrain.tasks.TaskFormatException;

/** The builders on tiny files written in the real packages' shapes. */
class BuiltinTasksTest {
  @TempDir Path dir;

  private static List<ObjectNode> all(Built b) {
    List<ObjectNode> out = new ArrayList<>();
    b.splits().values().forEach(out::addAll);
    return out;
  }

  private static Set<String> field(List<ObjectNode> records, String name) {
    return records.stream().map(r -> r.get(name).asText()).collect(Collectors.toSet());
  }

  @Test
  void imdbRemovesBreaksAndDuplicatesAndWritesAReadableTask() throws IOException {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 40; i++)
      json.append(i > 0 ? "," : "").append("{\"t\":\"Review ").append(i).append(" was fine.<br /><br />Really.\",\"s\":")
          .append(i % 2).append('}');
    json.append(",{\"t\":\"Review 3 was fine.<br /><br />Really.\",\"s\":1}]");
    Path pkg = Files.createDirectories(dir.resolve("imdb/package"));
    Files.writeString(pkg.resolve("reviews.json"), json);

    Built b = ImdbSentiment.build(pkg, 7);
    List<ObjectNode> records = all(b);
    assertEquals(40, records.size());
    assertTrue(records.stream().allMatch(r -> r.get("text").asText().endsWith(" was fine.\nReally.")));
    assertEquals(List.of(32, 4, 4), b.splits().values().stream().map(List::size).toList());

    Task task = b.write(dir.resolve("out/imdb"));
    for (Example e : task.examples("test")) {
      assertEquals(2, e.candidates().size());
      int n = Integer.parseInt(e.target().context().replaceAll("(?s)Review: Review (\\d+) .*", "$1"));
      assertEquals(n % 2, e.gold());
    }
  }

  @Test
  void imdbRejectsABadLabel() throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("bad/package"));
    Files.writeString(pkg.resolve("reviews.json"), "[{\"t\":\"ok\",\"s\":1},{\"t\":\"x\",\"s\":3}]");
    TaskFormatException e = assertThrows(TaskFormatException.class, () -> ImdbSentiment.build(pkg, 1));
    assertTrue(e.getMessage().contains("reviews.json") && e.getMessage().contains("[1].s"), e.getMessage());
  }

  @Test
  void reviewSentimentSkipsTheTrailingEmptyRecordOfEachFile() throws IOException {
    Path fixtures = Files.createDirectories(dir.resolve("sentiment/package/test/fixtures"));
    for (String source : ReviewSentiment.SOURCES) {
      StringBuilder json = new StringBuilder("[");
      for (int i = 0; i < 10; i++)
        json.append("{\"text\":\"").append(source).append(" sentence ").append(i).append(".\",\"class\":").append(i % 2).append("},");
      json.append("{\"text\":\"\",\"class\":null}]");
      Files.writeString(fixtures.resolve(source + ".json"), json);
    }
    Built b = ReviewSentiment.build(dir.resolve("sentiment/package"), 3);
    List<ObjectNode> records = all(b);
    assertEquals(20, records.size());
    assertEquals(Set.of("amazon", "imdb"), field(records, "source"));
    assertEquals(Set.of("negative", "positive"), field(records, "label"));
    b.write(dir.resolve("out/rs"));
  }

  /** cats.txt and tagged documents: three genres, science fiction with only three documents. */
  private Path brown() throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("brown/package"));
    StringBuilder cats = new StringBuilder();
    String[][] genres = {{"a", "news", "10"}, {"k", "fiction", "5"}, {"m", "science_fiction", "3"}};
    for (String[] g : genres)
      for (int d = 1; d <= Integer.parseInt(g[2]); d++) {
        String doc = "c" + g[0] + String.format("%02d", d);
        cats.append(doc).append(' ').append(g[1]).append('\n');
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < 12; s++)
          text.append("\n\n\tThe/at ").append(g[1]).append("/nn said/vbd ``/`` document/nn ").append(doc)
              .append("/np sentence/nn ").append(s).append("/cd ''/'' ,/, and/cc left/vbd ./.\n");
        Files.writeString(pkg.resolve(doc), text);
      }
    Files.writeString(pkg.resolve("cats.txt"), cats);
    return pkg;
  }

  @Test
  void brownStripsTagsKeepsDocumentsTogetherAndStratifiesGenres() throws IOException {
    Built b = BrownGenre.build(brown(), 11);
    assertEquals(List.of("fiction", "news", "science_fiction"),
        b.spec().labels().stream().map(l -> l.name()).toList());
    assertEquals(" science fiction", b.spec().labels().get(2).verbalizer());
    Map<String, List<ObjectNode>> splits = b.splits();
    Set<String> seen = new HashSet<>();
    for (List<ObjectNode> split : splits.values()) {
      Set<String> docs = field(split, "document");
      for (String d : docs) assertTrue(seen.add(d), "document " + d + " in two splits");
      assertEquals(Set.of("news", "fiction", "science_fiction"), field(split, "label"));
    }
    ObjectNode first = all(b).stream().filter(r -> r.get("document").asText().equals("ca01")).findFirst().orElseThrow();
    // 12 sentences of 9 words: passages of 5 sentences (45 words), the last 2 sentences dropped.
    assertTrue(first.get("text").asText().startsWith("The news said \"document ca01 sentence "), first.toString());
    assertTrue(first.get("text").asText().contains("\", and left. The news said"), first.toString());
    assertFalse(first.get("text").asText().contains("/"));
    assertEquals(18 * 2, all(b).size());
    b.write(dir.resolve("out/brown"));
  }

  @Test
  void pythonSkipsTestsAndThirdPartyCodeAndSplitsByFile() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib/python3.x"));
    StringBuilder big = new StringBuilder();
    for (int f = 0; f < 60; f++) big.append("def f").append(f).append("(x):\n    return x + ").append(f).append("\n\n\n");
    for (int i = 0; i < 20; i++) Files.writeString(lib.resolve("mod" + i + ".py"), "# module " + i + "\n" + big);
    Files.createDirectories(lib.resolve("test"));
    Files.writeString(lib.resolve("test/test_x.py"), "assert True\n");
    Files.createDirectories(lib.resolve("site-packages/pkg"));
    Files.writeString(lib.resolve("site-packages/pkg/x.py"), "import this\n");
    Files.write(lib.resolve("latin.py"), "# -*- coding: latin-1 -*-\ns = '\u00e9'\n".getBytes(StandardCharsets.ISO_8859_1));

    Built b = PythonSource.build(lib, "3.x.y", 5);
    List<ObjectNode> records = all(b);
    Set<String> paths = field(records, "path");
    assertEquals(20, paths.size());
    assertTrue(b.spec().source().contains("3.x.y") && b.spec().source().contains("1 files not in UTF-8 skipped"));
    for (int i = 0; i < 20; i++) {
      String name = "mod" + i + ".py";
      String joined = records.stream().filter(r -> r.get("path").asText().equals(name))
          .map(r -> r.get("text").asText()).collect(Collectors.joining());
      assertEquals(Files.readString(lib.resolve(name)), reorderedChunksOf(records, name), name);
      assertEquals(Files.readString(lib.resolve(name)).length(), joined.length());
    }
    Set<String> seen = new HashSet<>();
    for (List<ObjectNode> split : b.splits().values())
      for (String p : field(split, "path")) assertTrue(seen.add(p), p + " in two splits");
    assertEquals(List.of(16, 2, 2), b.splits().values().stream().map(s -> field(s, "path").size()).toList());
  }

  /** A file's chunks, which splits shuffle, put back in order by their first function's number. */
  private static String reorderedChunksOf(List<ObjectNode> records, String path) {
    Pattern first = Pattern.compile("def f(\\d+)");
    return records.stream().filter(r -> r.get("path").asText().equals(path)).map(r -> r.get("text").asText())
        .sorted((a, b) -> Integer.compare(order(first, a), order(first, b))).collect(Collectors.joining());
  }

  private static int order(Pattern p, String chunk) {
    if (chunk.startsWith("# module")) return -1;
    Matcher m = p.matcher(chunk);
    return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
  }

  @Test
  void chunksRespectTheLimitAndCutBeforeTopLevelStatements() {
    String source = "import os\n\n\ndef a():\n    pass\n\n\nclass B:\n    x = 1\n    y = 2\n\n\ndef c():\n    return 3\n";
    List<String> chunks = PythonSource.chunks(source, 40);
    assertEquals(source, String.join("", chunks));
    for (String c : chunks) assertTrue(c.length() <= 40, c);
    assertTrue(chunks.stream().skip(1).allMatch(c -> c.startsWith("def ") || c.startsWith("class ")), chunks.toString());
  }

  @Test
  void arithmeticAnswersAreRightAndInGsm8kFormat() {
    Built b = ArithmeticWordProblems.build(600, 9);
    Pattern calc = Pattern.compile("<<(\\d+)([-+*/])(\\d+)=(\\d+)>>(\\d+)");
    List<ObjectNode> records = all(b);
    assertEquals(600, records.size());
    assertEquals(600, field(records, "question").size());
    for (ObjectNode r : records) {
      String answer = r.get("answer").asText();
      String[] lines = answer.split("\n");
      Matcher last = Pattern.compile("#### (\\d+)").matcher(lines[lines.length - 1]);
      assertTrue(last.matches(), answer);
      long result = -1;
      for (int i = 0; i < lines.length - 1; i++) {
        Matcher m = calc.matcher(lines[i]);
        assertTrue(m.find(), lines[i]);
        long x = Long.parseLong(m.group(1)), y = Long.parseLong(m.group(3));
        long want = switch (m.group(2)) {
          case "+" -> x + y;
          case "-" -> x - y;
          case "*" -> x * y;
          default -> {
            assertEquals(0, x % y, lines[i]);
            yield x / y;
          }
        };
        assertEquals(want, Long.parseLong(m.group(4)), lines[i]);
        assertEquals(m.group(4), m.group(5));
        assertTrue(want >= 0, lines[i]);
        result = want;
      }
      assertEquals(result, Long.parseLong(last.group(1)), answer);
    }
    assertTrue(b.spec().description().startsWith("SYNTHETIC"));
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherSplits() throws IOException {
    Path a = ArithmeticWordProblems.build(200, 4).write(dir.resolve("a")).dir();
    Path b = ArithmeticWordProblems.build(200, 4).write(dir.resolve("b")).dir();
    Path c = ArithmeticWordProblems.build(200, 5).write(dir.resolve("c")).dir();
    for (String f : List.of("spec.yaml", "train.jsonl", "validation.jsonl", "test.jsonl"))
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
    assertNotEquals(Files.readString(a.resolve("test.jsonl")), Files.readString(c.resolve("test.jsonl")));
  }
}
