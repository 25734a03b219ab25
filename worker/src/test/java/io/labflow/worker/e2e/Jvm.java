package io.labflow.worker.e2e;

import io.labflow.activities.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines that run {@code io.labflow.worker.cli.Main} in a child JVM on the test classpath. */
public final class Jvm {

  private Jvm() {}

  public static List<String> command(String... args) {
    return main("io.labflow.worker.cli.Main", args);
  }

  /** A command line that runs this main class. */
  public static List<String> main(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    // Test jars on the classpath bring their own logback-test.xml; the child runs with the
    // production logging configuration, as the shipped jar does.
    cmd.add("-Dlogback.configurationFile="
        + Tools.repoRoot().resolve("worker/src/main/resources/logback.xml"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }
}
