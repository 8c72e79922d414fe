package overtrain.model;

/**
 * Inputs placed into the model's residual stream in place of some positions' token embeddings,
 * as Hugging Face's {@code inputs_embeds}: a multimodal model's visual tokens.
 *
 * @param rows positions in the batch's row-major layout ({@code b * seqLen + t}), each at most once
 * @param vectors [rows.length, hidden_size], what enters the residual stream at those positions
 * @param grads [rows.length, hidden_size], where backward writes d(loss)/d(vectors) (set, not added)
 */
public record PlacedInputs(int[] rows, float[] vectors, float[] grads) {}
