/**
 * Multimodal tuning in the manner of LLaVA-1.5: a frozen vision encoder of our own
 * ({@link PatchEncoder}), a two-layer MLP projector from its features to the model's width
 * whose outputs are placed before the text as visual tokens, stage 1 (the projector alone, on
 * captions) and stage 2 (projector and language model, on instructions), and the measurements:
 * the kind of held-out images by likelihood and the held-out pre-training loss after each stage.
 */
package overtrain.multimodal;
