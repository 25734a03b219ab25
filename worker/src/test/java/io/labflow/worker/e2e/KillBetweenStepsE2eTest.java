package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.workflows.lab.LabStatus;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.iam.model.Policy;

/**
 * A worker killed between two steps: step {@code role} has completed, and the workflow task that
 * would schedule step {@code policy} is running on the worker when it dies ({@link HaltingWorker}
 * halts the JVM there). Temporal times that workflow task out, a warm stand-by worker replays the
 * history and schedules the next step, and the lab goes LIVE with exactly one of each resource.
 * The test prints the recovery it measured from the server's event times.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KillBetweenStepsE2eTest extends OnLocalStack {

  @Test
  void workerKilledAfterOneStepCompletedAndBeforeTheNextWasScheduledIsReplacedAndTheLabFinishesOnce()
      throws Exception {
    String queue = "e2e-between-steps";
    String labId = "e2e-between";
    Map<String, String> env = stack.env(queue);
    Path go = stack.logDir().resolve("between-steps.go");
    Files.deleteIfExists(go);
    Map<String, String> halting = new HashMap<>(env);
    halting.put("LABFLOW_TEST_HALT_BEFORE", "CreatePolicy");
    Map<String, String> standBy = new HashMap<>(env);
    standBy.put("LABFLOW_TEST_START_WHEN", go.toString());
    List<String> command = Jvm.main(HaltingWorker.class.getName());
    try (ManagedProcess first = ManagedProcess.start("between-first", command, halting, stack.logDir());
        ManagedProcess second = ManagedProcess.start("between-second", command, standBy, stack.logDir())) {
      first.awaitLog("polling", READY);
      Cli.Result started = Cli.run(env, "run", Labs.file("crash-lab").toString(), "--lab-id", labId, "--detach");
      assertThat(started.exitCode()).as(started.all()).isZero();

      assertThat(first.process().waitFor(90, TimeUnit.SECONDS)).as(first.tail()).isTrue();
      assertThat(first.process().exitValue()).as(first.tail()).isEqualTo(137);
      assertThat(first.tail()).contains("halting before scheduling CreatePolicy");
      Files.createFile(go);

      // At the kill, the role step has completed, the policy step was never scheduled, and the
      // history ends with the workflow task the dead worker had started.
      List<HistoryEvent> atKill = stack.client().fetchHistory(labId).getEvents();
      assertThat(scheduledActivities(atKill)).containsExactly("CreateRole");
      assertThat(atKill.stream().filter(HistoryEvent::hasActivityTaskCompletedEventAttributes)).hasSize(1);
      HistoryEvent halted = atKill.get(atKill.size() - 1);
      assertThat(halted.hasWorkflowTaskStartedEventAttributes()).as(halted.toString()).isTrue();
      assertThat(halted.getWorkflowTaskStartedEventAttributes().getIdentity()).startsWith(first.pid() + "@");

      second.awaitLog("polling", READY);
      LabStatus live = awaitLive(labId, Duration.ofSeconds(120), second);
      assertThat(live.steps()).extracting(s -> s.id() + ":" + s.state() + ":" + s.attempt())
          .containsExactly("role:DONE:1", "policy:DONE:1", "attach:DONE:1");

      List<HistoryEvent> events = stack.client().fetchHistory(labId).getEvents();
      assertThat(scheduledActivities(events)).containsExactly("CreateRole", "CreatePolicy", "AttachRolePolicy");
      HistoryEvent policyStarted = events.stream()
          .filter(e -> e.hasActivityTaskStartedEventAttributes()
              && e.getActivityTaskStartedEventAttributes().getIdentity().startsWith(second.pid() + "@"))
          .findFirst().orElseThrow();
      System.out.printf("kill between steps: policy step started %.1f s after the killed worker's"
          + " workflow task started; timeline:%n", seconds(halted, policyStarted));
      events.stream().filter(e -> e.getEventId() >= halted.getEventId()
              && e.getEventId() <= policyStarted.getEventId())
          .forEach(e -> System.out.printf("  +%5.1f s %s%s%n", seconds(halted, e), e.getEventType(),
              e.hasWorkflowTaskScheduledEventAttributes()
                  ? " on " + e.getWorkflowTaskScheduledEventAttributes().getTaskQueue().getKind() : ""));

      // Exactly one of each resource.
      assertThat(iam.roles(labId)).extracting(r -> r.roleName()).containsExactly(labId + "-role");
      assertThat(iam.policies(labId)).extracting(Policy::policyName).containsExactly(labId + "-policy");
      Policy policy = iam.policies(labId).get(0);
      assertThat(iam.client().listPolicyVersions(b -> b.policyArn(policy.arn())).versions()).hasSize(1);
      assertThat(iam.attached(labId + "-role")).extracting(p -> p.policyArn()).containsExactly(policy.arn());

      Cli.Result down = Cli.run(env, "teardown", labId);
      assertThat(down.exitCode()).as(down.all()).isZero();
      assertThat(iam.roles(labId)).isEmpty();
      assertThat(iam.policies(labId)).isEmpty();
    }
  }

  private static List<String> scheduledActivities(List<HistoryEvent> events) {
    return events.stream().filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .toList();
  }

  private static double seconds(HistoryEvent from, HistoryEvent to) {
    Timestamp a = from.getEventTime();
    Timestamp b = to.getEventTime();
    return (b.getSeconds() - a.getSeconds()) + (b.getNanos() - a.getNanos()) / 1e9;
  }
}
