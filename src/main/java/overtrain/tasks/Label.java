package overtrain.tasks;

/**
 * A class of a classification task: the name a record's label field uses, and the text the
 * model is scored on for it (usually with a leading space, e.g. {@code " positive"}).
 */
public record Label(String name, String verbalizer) {
  public Label {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("a label needs a name");
    if (verbalizer == null || verbalizer.isEmpty())
      throw new IllegalArgumentException("label '" + name + "' needs a verbalizer");
  }
}
