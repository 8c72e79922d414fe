/**
 * Image-grounded tasks for multimodal tuning: a folder of JSONL splits whose records name an
 * image file, a prompt and an answer ({@link ImageTask}), and the built-in one made from
 * Fashion-MNIST ({@link FashionTask}).
 */
package overtrain.tasks.vision;
