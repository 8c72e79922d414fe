/**
 * The linear-network simulation of the paper's Section 4 (stands alone: imports no other layer).
 */
package overtrain.theory;
