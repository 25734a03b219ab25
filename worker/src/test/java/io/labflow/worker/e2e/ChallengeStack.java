package io.labflow.worker.e2e;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The challenge lab ({@code definitions/iam-service-role-challenge.yaml}) on the run's Temporal dev
 * server and a moto of its own with IAM enforced by the local stack's evaluator, as {@code
 * scripts/stack} runs it; one worker whose principal is that moto's administrator.
 */
final class ChallengeStack implements AutoCloseable {

  static final Path DEFINITION =
      Tools.repoRoot().resolve("definitions/iam-service-role-challenge.yaml");

  /** The challenge's tasks, in order. */
  static final List<String> TASKS =
      List.of("create-role", "create-policy", "attach-policy", "instance-profile", "add-put");

  final EnforcedMoto moto;
  final ManagedProcess worker;
  private final Map<String, String> env;

  ChallengeStack(LocalStack.Stack stack, String name, String queue) throws Exception {
    moto = new EnforcedMoto(stack.logDir(), "moto-" + name, "labflow-worker");
    env = stack.env(queue);
    env.putAll(moto.awsEnv());
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    ManagedProcess started;
    try {
      // No metrics endpoint: the default port may be taken on the machine (the other e2e workers
      // give a port or -1 too).
      started = ManagedProcess.start(
          "worker-" + name, Jvm.command("worker", "--metrics-port", "-1"), env, stack.logDir());
      started.awaitLog("polling", Duration.ofSeconds(60));
    } catch (Exception e) {
      moto.close();
      throw e;
    }
    worker = started;
  }

  /** The environment of a worker or a {@code labflow} command on this stack. */
  Map<String, String> env() {
    return env;
  }

  /**
   * The run parameters of the challenge: the worker's principal is the one that issues the
   * learner's credentials (the learner role trusts it). The access checks ask again for 2 s, not
   * 15: this moto has no time model, a policy is in effect at once, so a wrong answer would only
   * wait out the budget (the wait itself is CheckAccessPropagationOnMotoTest's).
   */
  List<String> params() {
    return List.of("-p", "trustedPrincipalArn=" + moto.trustedPrincipalArn(),
        "-p", "checkBudgetSeconds=2");
  }

  /** Runs {@code labflow ARGS} (a lab with a stack takes minutes on moto). */
  Cli.Result labflow(String... args) {
    return Cli.runWithin(Duration.ofMinutes(15), env, args);
  }

  @Override
  public void close() {
    worker.close();
    moto.close();
  }
}
