/**
 * Pre-training: the run config, the training loop, window sampling and checkpoint resumption.
 */
package overtrain.train;
