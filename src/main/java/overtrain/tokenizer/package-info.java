/**
 * BPE tokenizers: byte-level BPE in the GPT-2 manner (training, encoding, decoding, GPT-2's
 * encodings by name), and Hugging Face {@code tokenizer.json} files of the byte-level and
 * SentencePiece-style kinds the compared models use, encoded as Hugging Face encodes them.
 */
package overtrain.tokenizer;
