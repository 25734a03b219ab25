package io.labflow.worker.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the {@code labflow} command line in a child JVM, as a person would, and captures it. */
public final class Cli {

  private Cli() {}

  /** What a command printed and returned. */
  public record Result(int exitCode, String out, String err) {
    public String all() {
      return out + err;
    }
  }

  public static Result run(Map<String, String> env, String... args) {
    return exec(Jvm.command(args), env);
  }

  /**
   * Runs a command that must have answered within {@code limit} (JVM start included): one still
   * running then is killed, and the test fails saying so.
   */
  public static Result runWithin(Duration limit, Map<String, String> env, String... args) {
    return exec(Jvm.command(args), env, limit);
  }

  /** Runs any command (for example the Temporal CLI) and captures it. */
  public static Result exec(List<String> command, Map<String, String> env) {
    return exec(command, env, Duration.ofMinutes(5));
  }

  private static Result exec(List<String> command, Map<String, String> env, Duration limit) {
    try {
      Path out = Files.createTempFile("labflow-cli", ".out");
      Path err = Files.createTempFile("labflow-cli", ".err");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("no answer within " + limit + ": " + command);
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
