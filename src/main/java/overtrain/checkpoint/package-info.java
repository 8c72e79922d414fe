/**
 * Checkpoints Python can read: Hugging Face {@code config.json} and safetensors (whole or
 * sharded), the export for transformers, and optimizer and trainer state.
 */
package overtrain.checkpoint;
