package overtrain.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import overtrain.formats.Npy;
import overtrain.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTokenizerTest {
  @TempDir Path tmp;

  @Test
  void writesUint16TokensWithEndOfTextAfterEveryDocument() throws IOException {
    Path corpus = tmp.resolve("corpus");
    Files.createDirectories(corpus);
    List<String> train = new ArrayList<>();
    for (int i = 0; i < 600; i++) train.add("Document " + i + " says \"hello\"\nand ends.");
    StringBuilder lines = new StringBuilder();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < train.size(); i++) {
      lines.append(json.writeValueAsString(new CorpusWriter.Line("d" + i, "t", train.get(i)))).append('\n');
    }
    Files.writeString(corpus.resolve("train.jsonl"), lines);
    Files.writeString(corpus.resolve("heldout.jsonl"), "{\"id\":\"h\",\"source\":\"t\",\"text\":\"Held out \u00e9t\u00e9 \ud83d\ude00\"}\n");
    Files.writeString(corpus.resolve("manifest.json"), "{}\n");

    Tokenizer tok = Tokenizer.named("r50k_base");
    AtomicLong done = new AtomicLong();
    List<CorpusTokenizer.SplitCount> counts =
        CorpusTokenizer.tokenize(corpus, tok, "r50k_base", tmp.resolve("tokens"), done::addAndGet);
    assertEquals(601, done.get());
    assertEquals(CorpusTokenizer.countDocuments(corpus), done.get());

    List<Integer> expected = new ArrayList<>();
    for (String t : train) {
      for (int id : tok.encode(t)) expected.add(id);
      expected.add(tok.endOfText());
    }
    Npy.Array a = Npy.read(tmp.resolve("tokens/train.npy"));
    assertEquals(Npy.DType.UINT16, a.dtype());
    assertEquals(expected.size(), a.length());
    for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i).longValue(), a.getLong(i), "token " + i);

    Npy.Array h = Npy.read(tmp.resolve("tokens/heldout.npy"));
    int[] ids = new int[(int) h.length() - 1];
    for (int i = 0; i < ids.length; i++) ids[i] = (int) h.getLong(i);
    assertEquals("Held out \u00e9t\u00e9 \ud83d\ude00", tok.decode(ids));
    assertEquals(tok.endOfText(), h.getLong(h.length() - 1));

    JsonNode info = new ObjectMapper().readTree(tmp.resolve("tokens/tokens.json").toFile());
    assertEquals(expected.size(), info.get("train").get("tokens").asLong());
    assertEquals(counts.get(1).tokens(), info.get("heldout").get("tokens").asLong());
    assertEquals(600, info.get("train").get("documents").asLong());
    assertEquals("<u2", info.get("dtype").asText());
    assertEquals(64, info.get("corpus_manifest_sha256").asText().length());
  }

  @Test
  void missingSplitFileIsNamed() {
    IOException e = assertThrows(IOException.class, () -> CorpusTokenizer.countDocuments(tmp));
    assertTrue(e.getMessage().contains("train.jsonl"), e.getMessage());
  }
}
