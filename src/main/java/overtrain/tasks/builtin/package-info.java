/**
 * The built-in tasks, made from real data that can be fetched offline, with seeded splits.
 */
package overtrain.tasks.builtin;
