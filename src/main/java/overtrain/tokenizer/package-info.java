/**
 * Byte-level BPE in the GPT-2 manner: training, encoding, decoding, Hugging Face
 * {@code tokenizer.json}, and GPT-2's encodings by name.
 */
package overtrain.tokenizer;
