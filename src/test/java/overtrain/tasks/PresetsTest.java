package overtrain.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each preset read on records written as the published Hugging Face JSONL exports have them
 * (field names, label encodings), checked down to the candidates' text.
 */
class PresetsTest {
  @TempDir Path dir;
  private final Set<String> tested = new HashSet<>();

  private List<Example> read(String preset, String... lines) throws IOException {
    tested.add(preset);
    Path d = Files.createDirectories(dir.resolve(preset));
    Files.writeString(d.resolve("spec.yaml"), "preset: " + preset + "\n");
    Files.writeString(d.resolve("train.jsonl"), String.join("\n", lines) + "\n");
    List<Example> ex = Task.load(d).examples("train");
    assertEquals(lines.length, ex.size());
    return ex;
  }

  private static List<String> continuations(Example e) {
    return e.candidates().stream().map(Candidate::continuation).toList();
  }

  private static void assertClassification(Example e, String context, List<String> verbalizers, int gold) {
    assertEquals(verbalizers, continuations(e));
    for (Candidate c : e.candidates()) assertEquals(context, c.context());
    assertEquals(gold, e.gold());
  }

  @Test
  void classificationPresets() throws IOException {
    List<String> sentiment = List.of(" negative", " positive");
    assertClassification(read("mr", "{\"text\": \"a gripping film .\", \"label\": 1}").get(0),
        "Review: a gripping film .\nSentiment:", sentiment, 1);
    assertClassification(read("cr", "{\"text\": \"battery died fast\", \"label\": 0, \"label_text\": \"negative\"}").get(0),
        "Review: battery died fast\nSentiment:", sentiment, 0);
    assertClassification(read("subj", "{\"text\": \"the film is set in rome .\", \"label\": 0, \"label_text\": \"objective\"}").get(0),
        "Sentence: the film is set in rome .\nThis sentence is", List.of(" objective", " subjective"), 0);
    assertClassification(read("trec", "{\"text\": \"How far is it to Mars ?\", \"coarse_label\": 5, \"fine_label\": 40}").get(0),
        "Question: How far is it to Mars ?\nAnswer type:",
        List.of(" abbreviation", " entity", " description", " human", " location", " number"), 5);
    assertClassification(read("rte", "{\"premise\": \"Cats purr.\", \"hypothesis\": \"Cats make sounds.\", \"idx\": 0, \"label\": 0}").get(0),
        "Cats purr.\nQuestion: Cats make sounds. True or False?\nAnswer:", List.of(" True", " False"), 0);
    List<Example> boolq = read("boolq",
        "{\"question\": \"is the sky blue\", \"passage\": \"The sky is blue.\", \"idx\": 0, \"label\": 1}",
        "{\"question\": \"is snow hot\", \"passage\": \"Snow is cold.\", \"label\": false}");
    assertClassification(boolq.get(0), "The sky is blue.\nQuestion: is the sky blue?\nAnswer:", List.of(" no", " yes"), 1);
    assertEquals(0, boolq.get(1).gold());
    assertClassification(read("tweet_sentiment", "{\"id\": \"cb774db0d1\", \"text\": \"ok i guess\", \"label\": 1, \"label_text\": \"neutral\"}").get(0),
        "Tweet: ok i guess\nSentiment:", List.of(" negative", " neutral", " positive"), 1);
  }

  @Test
  void multipleChoicePresets() throws IOException {
    Example siqa = read("siqa", "{\"context\": \"Tracy gave Riley a gift.\", \"question\": \"How would Riley feel?\", "
        + "\"answerA\": \"sad\", \"answerB\": \"thankful\", \"answerC\": \"angry\", \"label\": \"2\"}").get(0);
    assertEquals("Q: Tracy gave Riley a gift. How would Riley feel?\nA:", siqa.target().context());
    assertEquals(List.of(" sad", " thankful", " angry"), continuations(siqa));
    assertEquals(1, siqa.gold());

    Example arc = read("arc", "{\"id\": \"Mercury_1\", \"question\": \"Which is a liquid?\", "
        + "\"choices\": {\"text\": [\"ice\", \"water\", \"steam\", \"rock\"], \"label\": [\"A\", \"B\", \"C\", \"D\"]}, \"answerKey\": \"B\"}").get(0);
    assertEquals("Question: Which is a liquid?\nAnswer:", arc.target().context());
    assertEquals(List.of(" ice", " water", " steam", " rock"), continuations(arc));
    assertEquals(1, arc.gold());

    Example piqa = read("piqa", "{\"goal\": \"Open a jar\", \"sol1\": \"twist the lid\", \"sol2\": \"paint the lid\", \"label\": 0}").get(0);
    assertEquals(List.of(" twist the lid", " paint the lid"), continuations(piqa));
    assertEquals(0, piqa.gold());

    Example hs = read("hellaswag", "{\"ind\": 4, \"activity_label\": \"Cooking\", \"ctx_a\": \"A man cracks eggs.\", \"ctx_b\": \"he\", "
        + "\"ctx\": \"A man cracks eggs. he\", \"endings\": [\"whisks them.\", \"eats the shells.\", \"sings.\", \"leaves.\"], "
        + "\"source_id\": \"x\", \"split\": \"train\", \"split_type\": \"indomain\", \"label\": \"0\"}").get(0);
    assertEquals("Cooking: A man cracks eggs. he", hs.target().context());
    assertEquals(4, hs.candidates().size());
    assertEquals(" whisks them.", hs.target().continuation());

    Example sciq = read("sciq", "{\"question\": \"What gas do plants absorb?\", \"distractor3\": \"helium\", \"distractor1\": \"oxygen\", "
        + "\"distractor2\": \"neon\", \"correct_answer\": \"carbon dioxide\", \"support\": \"Plants use CO2.\"}").get(0);
    assertEquals("Plants use CO2.\nQuestion: What gas do plants absorb?\nAnswer:", sciq.target().context());
    assertEquals(List.of(" oxygen", " neon", " helium", " carbon dioxide"), continuations(sciq));
    assertEquals(3, sciq.gold());

    Example copa = read("copa", "{\"premise\": \"The man broke his toe.\", \"choice1\": \"He dropped a hammer on his foot.\", "
        + "\"choice2\": \"He got a hole in his sock.\", \"question\": \"cause\", \"idx\": 0, \"label\": 0}").get(0);
    assertEquals("The man broke his toe.\nQuestion: What was the cause?\nAnswer:", copa.target().context());
    assertEquals(0, copa.gold());
    assertEquals(2, copa.candidates().size());

    Example wino = read("winogrande", "{\"sentence\": \"The trophy didn't fit in the case because the _ was too big.\", "
        + "\"option1\": \"trophy\", \"option2\": \"case\", \"answer\": \"1\"}").get(0);
    assertEquals(List.of(new Candidate("The trophy didn't fit in the case because the trophy", " was too big."),
        new Candidate("The trophy didn't fit in the case because the case", " was too big.")), wino.candidates());
    assertEquals(0, wino.gold());
  }

  @Test
  void instructionPresets() throws IOException {
    Example gsm = read("gsm8k", "{\"question\": \"Tom has 3 apples and buys 2. How many?\", "
        + "\"answer\": \"Tom has 3 + 2 = <<3+2=5>>5 apples.\\n#### 5\"}").get(0);
    assertEquals(new Candidate("Question: Tom has 3 apples and buys 2. How many?\nAnswer:",
        " Tom has 3 + 2 = <<3+2=5>>5 apples.\n#### 5"), gsm.target());

    Example hh = read("anthropic_hh", "{\"chosen\": \"\\n\\nHuman: What is 2+2?\\n\\nAssistant: 4.\\n\\nHuman: And 3+3?"
        + "\\n\\nAssistant: It is 6.\", \"rejected\": \"\\n\\nHuman: What is 2+2?\\n\\nAssistant: 5.\"}").get(0);
    assertEquals(new Candidate("<|user|>\nWhat is 2+2?\n<|assistant|>\n4.\n<|user|>\nAnd 3+3?\n<|assistant|>\n", "It is 6."),
        hh.target());

    Example tulu = read("tulu", "{\"dataset\": \"oasst1\", \"id\": \"oasst1_1\", \"messages\": "
        + "[{\"role\": \"user\", \"content\": \"Name a colour.\"}, {\"role\": \"assistant\", \"content\": \"Blue.\"}]}").get(0);
    assertEquals(new Candidate("<|user|>\nName a colour.\n<|assistant|>\n", "Blue."), tulu.target());
  }

  @Test
  void everyPresetIsCoveredAboveAndLoads() throws IOException {
    classificationPresets();
    multipleChoicePresets();
    instructionPresets();
    assertEquals(Set.copyOf(Presets.names()), tested);
    for (String name : Presets.names()) assertEquals(name, Presets.spec(name).name());
  }
}
