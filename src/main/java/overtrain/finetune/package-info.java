/**
 * Task fine-tuning and learning-rate sweeps: the run picked on validation is scored on test and
 * written with what it gained and forgot.
 */
package overtrain.finetune;
