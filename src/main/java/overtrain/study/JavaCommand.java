package overtrain.study;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another JVM like this one (same java, JVM flags and class
 * path), for workers that must run the same code with the same settings.
 */
public final class JavaCommand {
  private JavaCommand() {}

  /**
   * {@code java <this JVM's flags> -Dovertrain.threads=<threads> -cp <class path> <mainClass>
   * <args>}; {@code threads} null leaves the thread count to the caller's later arguments.
   */
  public static List<String> of(String threads, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + "/bin/java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // A thread count of our own replaces this JVM's; a debugger's port can be bound once.
      if (a.startsWith("-Dovertrain.threads=") || a.startsWith("-agentlib:jdwp")) continue;
      cmd.add(a);
    }
    if (threads != null) cmd.add("-Dovertrain.threads=" + threads);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
