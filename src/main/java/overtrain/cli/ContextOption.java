package overtrain.cli;

import overtrain.model.ModelConfig;

/** The {@code --context} of the commands that score a checkpoint's windows (eval, perturb). */
final class ContextOption {
  private ContextOption() {}

  /** The window length asked for, or the model's longest; an error outside [1, that]. */
  static int resolve(ModelConfig config, Integer requested) {
    int ctx = requested == null ? config.maxContext() : requested;
    if (ctx < 1 || ctx > config.maxContext()) {
      throw new IllegalArgumentException("--context " + ctx + " must be in [1, " + config.maxContext()
          + "] (the model's max_position_embeddings)");
    }
    return ctx;
  }
}
