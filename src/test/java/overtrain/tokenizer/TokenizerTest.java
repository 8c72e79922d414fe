package overtrain.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  static Tokenizer r50k;
  static Tokenizer cl100k;

  @BeforeAll
  static void load() throws IOException {
    r50k = Tokenizer.named("r50k_base");
    cl100k = Tokenizer.named("cl100k_base");
  }

  @Test
  void r50kIdsEqualJtokkit() {
    Encoding jt = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    String text = Samples.varied();
    assertArrayEquals(jt.encodeOrdinary(text).toArray(), r50k.encode(text));
    for (String s : Samples.hard()) {
      if (!Samples.hasLoneSurrogate(s)) assertArrayEquals(jt.encodeOrdinary(s).toArray(), r50k.encode(s), s);
    }
  }

  @Test
  void cl100kIdsEqualJtokkit() {
    Encoding jt = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    String text = Samples.varied();
    assertArrayEquals(jt.encodeOrdinary(text).toArray(), cl100k.encode(text));
  }

  @Test
  void everyHardStringRoundTrips() {
    Tokenizer trained = BpeTrainer.train(Samples.corpus(50), 400, List.of());
    for (Tokenizer t : List.of(r50k, cl100k, trained)) {
      for (String s : Samples.hard()) assertEquals(s, t.decode(t.encode(s)));
      String random = Samples.randomText(new Random(3), 3000);
      assertEquals(random, t.decode(t.encode(random)));
    }
  }

  @Test
  void randomCharsIncludingLoneSurrogatesRoundTrip() {
    Random random = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      char[] chars = new char[random.nextInt(40)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = random.nextBoolean() ? (char) random.nextInt(0x10000) : (char) (0xD800 + random.nextInt(0x800));
      }
      String s = new String(chars);
      assertEquals(s, r50k.decode(r50k.encode(s)));
    }
  }

  @Test
  void longWordsMergeTheSameWithTheHeap() {
    // Words over the linear limit take the heap path; cutting a long word is not allowed, so
    // compare against jtokkit, whose merge loop is independent of ours.
    Encoding jt = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    Random random = new Random(9);
    for (int trial = 0; trial < 20; trial++) {
      StringBuilder word = new StringBuilder();
      int n = 130 + random.nextInt(400);
      for (int i = 0; i < n; i++) word.append((char) ('a' + random.nextInt(random.nextBoolean() ? 3 : 26)));
      String s = word.toString();
      assertArrayEquals(jt.encodeOrdinary(s).toArray(), r50k.encode(s));
    }
  }

  @Test
  void specialsAreInTheVocabularyAndDecodeToTheirText() {
    assertEquals(50256, r50k.endOfText());
    assertEquals(50261, r50k.vocabSize());
    for (String name : Tokenizer.REQUIRED_SPECIALS) {
      int id = r50k.special(name).orElseThrow();
      assertEquals(name, r50k.decode(new int[] {id}));
    }
    assertEquals(100276, cl100k.special("<|endofprompt|>").orElseThrow());
    assertTrue(cl100k.special("<|nope|>").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> cl100k.decode(new int[] {100265}));
    assertThrows(IllegalArgumentException.class, () -> r50k.decode(new int[] {r50k.vocabSize()}));
  }

  @Test
  void encodeAllMatchesEncodeInOrder() {
    List<String> docs = new ArrayList<>(Samples.corpus(40));
    docs.addAll(Samples.hard());
    int[][] all = r50k.encodeAll(docs);
    for (int i = 0; i < docs.size(); i++) assertArrayEquals(r50k.encode(docs.get(i)), all[i]);
  }

  @Test
  void gpt2ScannerCutsLikeTheRegex() {
    PreTokenizer scanner = new PreTokenizer.Gpt2();
    PreTokenizer regex = new PreTokenizer.Regex(PreTokenizer.GPT2_PATTERN);
    Random random = new Random(13);
    List<String> texts = new ArrayList<>(Samples.hard());
    for (int i = 0; i < 300; i++) texts.add(Samples.randomText(random, random.nextInt(60)));
    for (String text : texts) assertEquals(pieces(regex, text), pieces(scanner, text), text);
  }

  private static List<String> pieces(PreTokenizer p, String text) {
    List<String> out = new ArrayList<>();
    p.split(text, 0, text.length(), (a, b) -> out.add(text.substring(a, b)));
    return out;
  }

  /** One U+FFFD per maximal ill-formed part, as Rust's from_utf8_lossy (Hugging Face's decoders) gives. */
  @Test
  void wtf8ReplacesBadBytesAsHuggingFaceDoes() {
    assertEquals("\uFFFDa\uFFFD", Wtf8.decode(new byte[] {(byte) 0xC3, 'a', (byte) 0xFF}));
    // a three-byte character cut after two bytes is one part; a stray continuation byte another
    assertEquals("\uFFFDb\uFFFD", Wtf8.decode(new byte[] {(byte) 0xE2, (byte) 0x82, 'b', (byte) 0x82}));
    // E0 80 would spell a character too long: E0 is a part alone, and so is 80
    assertEquals("\uFFFD\uFFFD", Wtf8.decode(new byte[] {(byte) 0xE0, (byte) 0x80}));
    assertEquals(null, Wtf8.decodeStrict(new byte[] {(byte) 0xE2, (byte) 0x82}, 2));
    assertEquals("\u20AC", Wtf8.decodeStrict(new byte[] {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, 3));
    // A surrogate pair spelled as two three-byte surrogates is not what encode writes.
    byte[] cesu = {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80};
    assertEquals("\uFFFD\uFFFD\uFFFD\uDE00", Wtf8.decode(cesu));
  }
}
