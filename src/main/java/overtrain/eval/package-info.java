/**
 * Forward-only scoring of token files and tasks: log-probabilities of candidates in batches, and
 * task metrics (classification, multiple choice, loss).
 */
package overtrain.eval;
