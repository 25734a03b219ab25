package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.labflow.activities.testing.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code scripts/stack up} after moto died and is started again gives moto's worker user a new
 * key: it restarts the worker on it, and a lab runs. {@code up} refuses a port another process
 * holds, and ends its wait when the worker exits while starting. The stack runs on free ports with
 * its state in {@code worker/target/stack-e2e} and the worker from the test classpath
 * ({@code LABFLOW_CMD}); {@code scripts/stack down} always runs at the end. {@code down} and
 * {@code status} trust a pid file only for the process it was written for, and {@code down} says
 * when a service outlived SIGKILL.
 */
@Tag("e2e")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StackRestartE2eTest {

  private static final Path DIR = Tools.repoRoot().resolve("worker/target/stack-e2e");
  private static final Path STATE = DIR.resolve("state");
  /** The ports the stack binds, by the variables that set them. */
  private static final List<String> PORTS =
      List.of("TEMPORAL_PORT", "TEMPORAL_UI_PORT", "MOTO_PORT", "LABFLOW_METRICS_PORT");

  @Test
  void stackUpAfterMotoRestartedRestartsTheWorkerOnMotosNewKeyAndALabRuns() throws Exception {
    Map<String, String> env = stackEnv();
    try {
      Cli.Result first = up(env);
      assertThat(first.exitCode()).as(first.all()).isZero();
      long firstWorker = pid("worker");
      String firstKey = keyId();

      ProcessHandle moto = ProcessHandle.of(pid("moto")).orElseThrow();
      moto.descendants().forEach(ProcessHandle::destroyForcibly);
      moto.destroyForcibly();
      moto.onExit().get(30, TimeUnit.SECONDS);

      Cli.Result again = stack(env, "up");
      assertThat(again.exitCode()).as(again.all()).isZero();
      assertThat(again.out()).contains(
          "worker: moto's credentials changed (moto was started again); restarting the worker");
      long worker = pid("worker");
      String key = keyId();
      assertThat(key).isNotEqualTo(firstKey);
      assertThat(worker).as(again.all()).isNotEqualTo(firstWorker);
      assertThat(Files.readString(Path.of("/proc/" + worker + "/environ")).split("\0"))
          .contains("AWS_ACCESS_KEY_ID=" + key);

      // The worker acts on the new key: a lab goes LIVE (its preflight and every step call moto)
      // and tears down.
      Map<String, String> cli = Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + env.get("TEMPORAL_PORT"),
          "TEMPORAL_NAMESPACE", "default", "LABFLOW_TASK_QUEUE", "labflow");
      Cli.Result run = Cli.run(cli, "run", Labs.file("crash-lab").toString(), "--lab-id", "stack-restart");
      assertThat(run.exitCode()).as(run.all() + workerLog()).isZero();
      assertThat(run.out()).contains("LIVE");
      Cli.Result down = Cli.run(cli, "teardown", "stack-restart");
      assertThat(down.exitCode()).as(down.all() + workerLog()).isZero();
    } finally {
      stackDown(env);
    }
  }

  /**
   * A process this stack did not start answers on the worker's metrics port (another checkout's
   * stack, say): {@code up} refuses before it starts anything. Before, the worker exited on the
   * taken port while that process answered the readiness check, and {@code up} succeeded. The
   * ports {@code up} checks first are held refused by the test, so that none is taken (and
   * refused instead) in the meantime.
   */
  @Test
  void stackUpRefusesAPortAnotherProcessHoldsBeforeStartingAnything() throws Exception {
    Map<String, String> env = stackEnv();
    List<Socket> held = new ArrayList<>();
    for (String variable : List.of("TEMPORAL_PORT", "TEMPORAL_UI_PORT", "MOTO_PORT")) {
      held.add(Tools.refusedPort());
      env.put(variable, String.valueOf(held.get(held.size() - 1).getLocalPort()));
    }
    HttpServer other = HttpServer.create(new InetSocketAddress(0), 0);
    int port = other.getAddress().getPort();
    env.put("LABFLOW_METRICS_PORT", String.valueOf(port));
    other.createContext("/metrics", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    other.start();
    try {
      Cli.Result up = failedUp(env, e -> stack(e, "up"));
      assertThat(up.err()).as(up.all()).contains(
          "stack: port " + port + " (worker) is in use by a process this stack did not start",
          "LABFLOW_METRICS_PORT");
      assertThat(STATE.resolve("temporal.pid")).as(up.all()).doesNotExist();
      assertThat(STATE.resolve("moto.pid")).as(up.all()).doesNotExist();
    } finally {
      other.stop(0);
      for (Socket refused : held) {
        refused.close();
      }
    }
  }

  /**
   * A worker that exits while starting ends {@code up}'s wait at once, with the end of its log.
   * Before, {@code up} waited its whole bound (2 minutes) for the dead worker's metrics and then
   * named only the log directory.
   */
  @Test
  void stackUpEndsItsWaitWhenTheWorkerExitsAndShowsTheEndOfItsLog() throws Exception {
    Map<String, String> env = stackEnv();
    Files.writeString(DIR.resolve("labflow"), "#!/bin/sh\n"
        + "if [ \"$1\" = worker ]; then echo 'worker refused to start (test launcher)' >&2; exit 3; fi\n");
    Cli.Result up = failedUp(env, StackRestartE2eTest::up);
    assertThat(up.err()).as(up.all()).contains(
        "stack: worker exited before worker metrics on :" + env.get("LABFLOW_METRICS_PORT")
            + " answered; the end of " + STATE.resolve("logs/worker.log") + ":",
        "  worker refused to start (test launcher)");
  }

  /** {@code down}, which must succeed: its result. */
  private static Cli.Result stackDown(Map<String, String> env) {
    Cli.Result down = stack(env, "down");
    assertThat(down.exitCode()).as(down.all()).isZero();
    return down;
  }

  /**
   * {@code up} on new free ports, again on others after {@code down} when one was taken before
   * the stack bound it ({@link Tools#startOnFreePorts}): its result.
   */
  private static Cli.Result up(Map<String, String> env) {
    return Tools.startOnFreePorts(() -> {
      PORTS.forEach(p -> env.put(p, String.valueOf(Tools.freePort())));
      Cli.Result up = stack(env, "up");
      if (up.exitCode() != 0 && Tools.portTaken(up.all())) {
        stackDown(env);
        throw new IllegalStateException(up.all());
      }
      return up;
    });
  }

  /** {@code up}, run so, that must fail, then {@code down}, which must succeed: its result. */
  private static Cli.Result failedUp(
      Map<String, String> env, Function<Map<String, String>, Cli.Result> up) {
    try {
      Cli.Result result = up.apply(env);
      assertThat(result.exitCode()).as(result.all()).isNotZero();
      return result;
    } finally {
      stackDown(env);
    }
  }

  /**
   * After a reboot or a crash the pid files remain, and the pid may name an unrelated process:
   * {@code status} and {@code down} do not take it for the service, and {@code down} leaves it
   * alone. Before, {@code status} said running and {@code down} sent that process group SIGTERM.
   */
  @Test
  void stackDownLeavesAnUnrelatedProcessAStalePidFileNamesAlone() throws Exception {
    Map<String, String> env = stackEnv();
    Files.createDirectories(STATE);
    Process other = new ProcessBuilder("setsid", "sleep", "300").start();
    try {
      String pid = String.valueOf(other.pid());
      Files.writeString(STATE.resolve("moto.pid"), pid + "\n"); // as the stack before start times wrote it
      Files.writeString(STATE.resolve("temporal.pid"), pid + "\n");
      Files.writeString(STATE.resolve("temporal.start"), "1\n"); // the process before the reboot

      Cli.Result status = stack(env, "status");
      assertThat(status.out()).as(status.all()).contains("temporal: stopped", "moto: stopped");

      Cli.Result down = stackDown(env);
      assertThat(down.out()).as(down.all()).contains(
          "moto: not running (its pid file named another process or none; removed)",
          "temporal: not running (its pid file named another process or none; removed)");
      assertThat(other.isAlive()).as(down.all()).isTrue();
      assertThat(STATE.resolve("temporal.pid")).doesNotExist();
      assertThat(STATE.resolve("moto.pid")).doesNotExist();
    } finally {
      other.destroyForcibly().waitFor();
    }
  }

  /**
   * A service that SIGKILL did not end (here one that ignores SIGTERM and leads no process group,
   * so the group's SIGKILL misses it) makes {@code down} say so and exit non-zero, keeping its pid
   * file. Before, {@code down} said {@code worker: stopped} and exited 0. {@code down}'s grace for
   * SIGTERM is 1 s here instead of 30.
   */
  @Test
  void stackDownSaysAServiceStillRunsAfterSigkill() throws Exception {
    Map<String, String> env = stackEnv();
    env.put("LABFLOW_STACK_STOP_GRACE", "1");
    Files.createDirectories(STATE);
    Process stubborn = new ProcessBuilder("bash", "-c", "trap '' TERM; echo ready; exec sleep 300").start();
    try {
      assertThat(stubborn.inputReader().readLine()).isEqualTo("ready");
      long pid = stubborn.pid();
      Files.writeString(STATE.resolve("worker.pid"), pid + "\n");
      // The identity scripts/stack records when it starts a service: field 22 of /proc/PID/stat.
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String startTime = stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[19];
      Files.writeString(STATE.resolve("worker.start"), startTime + "\n");

      Cli.Result down = stack(env, "down");
      assertThat(down.exitCode()).as(down.all()).isNotZero();
      assertThat(down.err()).as(down.all()).contains(
          "stack: worker (pid " + pid + ") is still running after SIGKILL; its pid file "
              + STATE.resolve("worker.pid") + " stays");
      assertThat(down.out()).as(down.all()).doesNotContain("worker: stopped");
      assertThat(stubborn.isAlive()).isTrue();
      assertThat(STATE.resolve("worker.pid")).exists();
    } finally {
      stubborn.destroyForcibly().waitFor();
    }
  }

  /** Free ports, the state directory, the tools, and a launcher that runs the test classpath. */
  private static Map<String, String> stackEnv() throws IOException {
    if (Files.exists(DIR)) {
      try (Stream<Path> old = Files.walk(DIR)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(DIR);
    Path launcher = DIR.resolve("labflow");
    String command = Jvm.command().stream().map(a -> "'" + a.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
    Files.writeString(launcher, "#!/bin/sh\nexec " + command + " \"$@\"\n");
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    Map<String, String> env = new HashMap<>();
    PORTS.forEach(p -> env.put(p, String.valueOf(Tools.freePort())));
    env.put("LABFLOW_TASK_QUEUE", "labflow");
    env.put("LABFLOW_STACK_DIR", STATE.toString());
    env.put("LABFLOW_TOOLS_BIN", Tools.tool("temporal").getParent().toString());
    env.put("LABFLOW_CMD", launcher.toString());
    env.put("LABFLOW_DEFINITIONS_DIR", Labs.definitionsDir().toString());
    return env;
  }

  private static Cli.Result stack(Map<String, String> env, String command) {
    return Cli.exec(List.of("bash", Tools.repoRoot().resolve("scripts/stack").toString(), command), env);
  }

  private static long pid(String service) throws IOException {
    return Long.parseLong(Files.readString(STATE.resolve(service + ".pid")).trim());
  }

  /** The access key id moto gave the worker's user (an id on that moto server only). */
  private static String keyId() throws IOException {
    return Files.readAllLines(STATE.resolve("moto-auth.env")).stream()
        .filter(l -> l.startsWith("export AWS_ACCESS_KEY_ID="))
        .map(l -> l.substring("export AWS_ACCESS_KEY_ID=".length()))
        .findFirst().orElseThrow();
  }

  private static String workerLog() {
    try {
      List<String> lines = Files.readAllLines(STATE.resolve("logs/worker.log"));
      return "\nworker log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
