/**
 * Gaussian perturbation of a checkpoint by its init covariance, and the held-out loss it costs
 * over magnitudes and seeds.
 */
package overtrain.perturb;
