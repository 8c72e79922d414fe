/**
 * Downstream tasks: a spec and JSONL splits turned into {@code Example}s of candidates and a gold
 * index; readers, templates, chat rendering and the paper's dataset presets.
 */
package overtrain.tasks;
