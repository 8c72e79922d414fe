/**
 * The OLMo model: its config, the flat parameter layout with each tensor's init std, the muP
 * parameterisation, and the forward and backward passes.
 */
package overtrain.model;
