/**
 * The one way files are written: {@link overtrain.io.AtomicWrite} writes beside the target and
 * renames, so a reader sees the old file or the new one, never half of one.
 */
package overtrain.io;
