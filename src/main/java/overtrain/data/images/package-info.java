/**
 * Images for multimodal tuning: IDX files (the MNIST family's format), Fashion-MNIST fetched as
 * a pinned Debian package, and grayscale image files (PNG) that a task folder refers to.
 */
package overtrain.data.images;
