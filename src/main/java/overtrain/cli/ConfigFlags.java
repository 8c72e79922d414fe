package overtrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import overtrain.finetune.SweepConfig;
import overtrain.io.Configs;
import overtrain.perturb.PerturbationSweep;
import overtrain.train.TrainConfig;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Flags that set configuration keys. A command marks each such option with {@link Key}; the
 * options given on the command line become the last layer over the YAML file (--config) and
 * the defaults, and {@code --set key=value} reaches any key, nested or not. {@code --help}
 * reads each flag's default from the config record's defaults, so the two cannot drift.
 */
public final class ConfigFlags {

  /** The dotted configuration key an option sets. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface Key {
    String value();
  }

  /** The options every configured command shares. */
  public static final class Mixin {
    @Option(names = "--config", paramLabel = "FILE.yaml",
        description = "YAML settings (snake_case keys, nested sections); flags override them.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Set any key, e.g. --set model.rope_theta=500000 (repeatable; the value is read as YAML).")
    List<String> set = new ArrayList<>();
  }

  private ConfigFlags() {}

  /** The config file (if any), then the flags given, as layers for {@link Configs#load}. */
  public static List<Configs.Layer> layers(CommandSpec spec, Mixin mixin) throws java.io.IOException {
    List<Configs.Layer> layers = new ArrayList<>();
    if (mixin.config != null) layers.add(Configs.file(mixin.config));
    ObjectNode flags = Configs.empty();
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (OptionSpec option : spec.options()) {
      String key = key(option);
      if (key != null && parsed.hasMatchedOption(option)) Configs.put(flags, key, option.getValue());
    }
    for (String kv : mixin.set) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new CommandLine.ParameterException(spec.commandLine(),
          "--set expects KEY=VALUE, got '" + kv + "'");
      flags.remove(kv.substring(0, eq)); // a plain key set twice: the --set wins
      Configs.put(flags, kv.substring(0, eq), Configs.scalar(kv.substring(eq + 1)));
    }
    layers.add(new Configs.Layer("flags", flags));
    return layers;
  }

  /** The config key {@code option} sets, or null. */
  static String key(ArgSpec option) {
    if (option.userObject() instanceof Field f && f.isAnnotationPresent(Key.class)) {
      return f.getAnnotation(Key.class).value();
    }
    return null;
  }

  /**
   * Gives the commands whose flags set config keys their defaults for {@code --help}, from the
   * one place each config's defaults are defined.
   */
  static void installDefaults(CommandLine root) {
    java.util.Map<String, CommandLine> commands = root.getSubcommands();
    Set<String> pretrainNone = new java.util.HashSet<>(TrainConfig.REQUIRED);
    pretrainNone.add("model.intermediate_size"); // 4 x hidden_size unless given
    commands.get("pretrain").setDefaultValueProvider(defaults(TrainConfig.DEFAULTS, pretrainNone));
    commands.get("finetune").setDefaultValueProvider(
        defaults(SweepConfig.DEFAULTS, Set.copyOf(SweepConfig.REQUIRED)));
    commands.get("perturb").setDefaultValueProvider(
        defaults(PerturbationSweep.Config.DEFAULTS, Set.of("gammas")));
    commands.get("multimodal").getSubcommands().get("tune").setDefaultValueProvider(
        defaults(overtrain.multimodal.MultimodalConfig.DEFAULTS, Set.of()));
  }

  /**
   * Supplies each keyed option's default from a defaults tree, for {@code ${DEFAULT-VALUE}} in
   * help; keys in {@code none} (required, or derived from others) show no default.
   */
  public static CommandLine.IDefaultValueProvider defaults(Object defaults, Set<String> none) {
    ObjectNode tree = Configs.tree(defaults);
    return arg -> {
      String key = key(arg);
      if (key == null || none.contains(key)) return null;
      JsonNode v = tree;
      for (String k : key.split("\\.")) v = v == null ? null : v.get(k);
      if (v == null || v.isNull()) return null;
      if (v.isArray()) {
        if (v.isEmpty()) return null;
        return StreamSupport.stream(v.spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(","));
      }
      return v.asText();
    };
  }
}
