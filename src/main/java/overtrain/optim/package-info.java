/**
 * AdamW over the flat parameter layout, gradient clipping and learning-rate schedules.
 */
package overtrain.optim;
