/**
 * The engine's arithmetic: Vector API matrix multiply, fused elementwise passes (exp, softmax,
 * reductions in a fixed order) and the engine's thread pool. Knows nothing of models or files.
 */
package overtrain.kernels;
