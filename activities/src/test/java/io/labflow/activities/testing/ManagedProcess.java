package io.labflow.activities.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process whose output goes to a log file, stopped with its descendants.
 *
 * @param name the name in messages and of the log file
 * @param log {@code <logDir>/<name>.log}
 */
public record ManagedProcess(String name, Process process, Path log) implements AutoCloseable {

  public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path logDir) {
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().putAll(env);
      return new ManagedProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The last lines of the log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Waits until the log holds this text (for example a worker's "polling" line). */
  public ManagedProcess awaitLog(String text, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Files.exists(log) && Files.readString(log).contains(text)) {
          return this;
        }
      } catch (IOException e) {
        // The file is being written; try again.
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited:\n" + tail());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " never logged '" + text + "':\n" + tail());
  }

  /**
   * Polls {@code ready} every 200 ms until it holds; fails with the log's tail if the process
   * exits first or {@code timeout} passes.
   */
  public ManagedProcess awaitReady(String what, java.time.Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + ": " + name + " exited\n" + tail());
      }
      if (ready.getAsBoolean()) {
        return this;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(what + " not ready after " + timeout + "\n" + tail());
  }

  /** SIGKILL, no cleanup: a crash. */
  public void kill9() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (the JVM runs its shutdown hooks); returns the exit code, or -1 if still running. */
  public int terminate(java.time.Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  @Override
  public void close() {
    try {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      children.forEach(ProcessHandle::destroy);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      children.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
