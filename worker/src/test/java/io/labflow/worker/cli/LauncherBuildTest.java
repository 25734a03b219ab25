package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./labflow} launcher builds its jar when a source changed; two launched together (a
 * worker and a command, after a pull) must not both build into the same directories. The launcher
 * runs in a copy of the project's layout whose {@code mvn} is a stand-in that takes a second,
 * fails when another build is under way, counts builds, and "builds" a jar that prints a word.
 */
@Tag("fast")
@Timeout(60)
class LauncherBuildTest {

  private static final String MVN = """
      #!/usr/bin/env bash
      mkdir building 2>/dev/null || { echo "[ERROR] two builds at once" >&2; exit 1; }
      sleep 1
      mkdir -p worker/target && cp probe.jar worker/target/labflow.jar && echo built >> builds.log
      rmdir building
      """;

  @Test
  void twoLaunchesAfterAChangeBuildOnceAndBothRun(@TempDir Path root) throws Exception {
    Files.copy(Tools.repoRoot().resolve("labflow"), root.resolve("labflow"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.createDirectories(root.resolve("worker/src/main"));
    Files.writeString(root.resolve("worker/src/main/Changed.java"), "class Changed {}");
    Path mvn = Files.createDirectories(root.resolve("bin")).resolve("mvn");
    Files.writeString(mvn, MVN);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    writeProbeJar(root.resolve("probe.jar"));

    Process first = launch(root, "first");
    // The second starts once the first's build is under way (the stand-in's mark), not after a
    // guessed delay.
    for (int i = 0; i < 200 && !Files.isDirectory(root.resolve("building")); i++) {
      Thread.sleep(50);
    }
    assertThat(root.resolve("building")).as("the first launch's build began").isDirectory();
    Process second = launch(root, "second");

    assertThat(first.waitFor(30, TimeUnit.SECONDS) && second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(root.resolve("first.err"))).doesNotContain("[ERROR]");
    assertThat(Files.readString(root.resolve("second.err")))
        .doesNotContain("[ERROR]")
        .contains("labflow: waiting for another labflow's build of " + root.resolve(
            "worker/target/labflow.jar"));
    assertThat(List.of(first.exitValue(), second.exitValue())).containsExactly(0, 0);
    assertThat(Files.readString(root.resolve("first.out"))).isEqualTo("ran first\n");
    assertThat(Files.readString(root.resolve("second.out"))).isEqualTo("ran second\n");
    assertThat(Files.readAllLines(root.resolve("builds.log"))).containsExactly("built");
  }

  private static Process launch(Path root, String name) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("labflow").toString())
        .directory(root.toFile())
        .redirectOutput(root.resolve(name + ".out").toFile())
        .redirectError(root.resolve(name + ".err").toFile());
    pb.command().add(name);
    pb.environment().put("PATH", root.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
    return pb.start();
  }

  /** The jar the stand-in build makes: {@link Probe} as its main class. */
  private static void writeProbeJar(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
    String entry = Probe.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        InputStream in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
    }
  }

  /** What the launcher runs once the jar is built: it says it ran, with its argument. */
  public static final class Probe {
    public static void main(String[] args) {
      System.out.println("ran " + args[0]);
    }
  }
}
