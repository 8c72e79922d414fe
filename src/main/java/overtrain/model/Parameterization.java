package overtrain.model;

/** How widths scale initialisation, learning rates and multipliers. */
public enum Parameterization {
  /** Standard parameterisation: fixed init std, one learning rate, 1/sqrt(head_dim) attention. */
  STANDARD,
  /** Maximal-update parameterisation (Tensor Programs V, the {@code mup} library's conventions). */
  MUP
}
