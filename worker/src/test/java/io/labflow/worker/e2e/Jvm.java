package io.labflow.worker.e2e;

import io.labflow.activities.testing.Tools;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Command lines that run {@code io.labflow.worker.cli.Main} in a child JVM on the test classpath.
 *
 * <p>The tests start a few hundred such JVMs, and each spent most of its start loading the same
 * classes. The first command starts, in the background, one {@code labflow doctor} that writes
 * the classes it loaded to a class-data sharing archive ({@code worker/target/cds}); every
 * command started once it is written maps them instead (half the start, half its CPU). An archive
 * is built on jars only, so the children run the classpath's directories as jars of the same
 * classes. An archive the JVM cannot use (a jar changed since) is ignored, silently: nothing is
 * added to what a command prints.
 */
public final class Jvm {

  private static final String MAIN = "io.labflow.worker.cli.Main";
  private static final Path CDS = Tools.forkDir(Tools.repoRoot().resolve("worker/target/cds"));
  private static final Path ARCHIVE = CDS.resolve("cli.jsa");
  /** Where the training run's Temporal and AWS are: refused for the test JVM's life. */
  private static final Socket NOWHERE = Tools.refusedPort();
  private static String classPath;
  private static Process dump;

  private Jvm() {}

  public static synchronized List<String> command(String... args) {
    if (classPath == null) {
      classPath = jarClassPath();
      List<String> training = base(List.of("-XX:ArchiveClassesAtExit=" + CDS.resolve("cli.jsa.tmp")),
          classPath, MAIN, "doctor");
      try {
        ProcessBuilder pb = new ProcessBuilder(training).redirectErrorStream(true)
            .redirectOutput(CDS.resolve("training.log").toFile());
        // Addresses nothing answers: doctor loads the definitions, the AWS and Temporal clients, and
        // fails. The keys are moto's dummy ones.
        int nowhere = NOWHERE.getLocalPort();
        pb.environment().putAll(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + nowhere,
            "AWS_ENDPOINT_URL", "http://127.0.0.1:" + nowhere, "AWS_REGION", "us-east-1",
            "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
            "LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString()));
        dump = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (dump != null && !dump.isAlive()) {
      try {
        Files.move(CDS.resolve("cli.jsa.tmp"), ARCHIVE, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException noArchive) {
        // The training run wrote none: the commands run without one.
      }
      dump = null;
    }
    List<String> shared = Files.exists(ARCHIVE)
        ? List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:cds*=off,class+path*=off") : List.of();
    return base(shared, classPath, MAIN, args);
  }

  /** A command line that runs this main class. */
  public static List<String> main(String mainClass, String... args) {
    return base(List.of(), System.getProperty("java.class.path"), mainClass, args);
  }

  private static List<String> base(List<String> options, String cp, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(options);
    // Test jars on the classpath bring their own logback-test.xml; the child runs with the
    // production logging configuration, as the shipped jar does.
    cmd.add("-Dlogback.configurationFile="
        + Tools.repoRoot().resolve("worker/src/main/resources/logback.xml"));
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The test classpath with each directory replaced by a jar of its files, made afresh. */
  private static String jarClassPath() {
    try {
      if (Files.exists(CDS)) {
        try (Stream<Path> old = Files.walk(CDS)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(CDS);
      List<String> entries = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path p = Path.of(entry);
        entries.add(Files.isDirectory(p) ? jar(p, CDS.resolve(entries.size() + ".jar")).toString() : entry);
      }
      return String.join(File.pathSeparator, entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path jar(Path dir, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
