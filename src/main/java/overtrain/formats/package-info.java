/**
 * NumPy {@code .npy} arrays: read memory-mapped, written through the atomic writer.
 */
package overtrain.formats;
