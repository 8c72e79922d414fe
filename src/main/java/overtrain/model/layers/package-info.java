/**
 * One layer a file, its forward and backward side by side (shapes in the comments).
 */
package overtrain.model.layers;
