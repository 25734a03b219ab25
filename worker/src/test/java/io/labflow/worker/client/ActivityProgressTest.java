package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.model.LabResources;
import io.labflow.activities.sweep.LabSweep;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the command line reads from a pending activity's last heartbeat. */
@Tag("fast")
class ActivityProgressTest {

  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  private static PendingActivityInfo beat(Object details) {
    PendingActivityInfo.Builder pa = PendingActivityInfo.newBuilder();
    CONVERTER.toPayloads(details).ifPresent(pa::setHeartbeatDetails);
    return pa.build();
  }

  @Test
  void aWaitsSentenceIsWhatItIsDoing() {
    String doing = "waiting for stack labflow-l1 to be created (now CREATE_IN_PROGRESS): 45s of at"
        + " most 30m, poll 10";

    PendingActivityInfo pa = beat(doing).toBuilder().setLastHeartbeatTime(
        com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_620_720).setNanos(5)).build();

    assertThat(ActivityProgress.doing(CONVERTER, pa)).contains(doing);
    assertThat(ActivityProgress.line(CONVERTER, pa.toBuilder().setAttempt(2).setActivityType(
        ActivityType.newBuilder().setName("CreateStack")).build()))
        .isEqualTo("CreateStack attempt 2: " + doing + " (as of 2026-12-07T05:18:40Z)");
    assertThat(ActivityProgress.subject(doing))
        .isEqualTo("waiting for stack labflow-l1 to be created (now CREATE_IN_PROGRESS)");
    assertThat(ActivityProgress.subject("emptying bucket b")).isEqualTo("emptying bucket b");
  }

  /**
   * An attempt not started says what it waits for, and its heartbeat as an earlier attempt's
   * (before: `CreateStack attempt 2: waiting for stack ...` while no worker ran it; walked: a worker
   * killed during CreateStack).
   */
  @Test
  void anAttemptNotStartedSaysWhatItWaitsForAndWhoseHeartbeatItShows() {
    String doing = "waiting for stack labflow-l1 to be created (now CREATE_IN_PROGRESS): 9s of at"
        + " most 30m, poll 3";
    PendingActivityInfo pa = beat(doing).toBuilder().setAttempt(2)
        .setState(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED)
        .setActivityType(ActivityType.newBuilder().setName("CreateStack"))
        .setLastHeartbeatTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_620_720))
        .build();

    assertThat(ActivityProgress.line(CONVERTER, pa)).isEqualTo("CreateStack attempt 2, waiting"
        + " for a worker to take it; an earlier attempt said: " + doing
        + " (as of 2026-12-07T05:18:40Z)");
    assertThat(ActivityProgress.line(CONVERTER, pa.toBuilder().clearHeartbeatDetails()
            .setNextAttemptScheduleTime(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(1_796_620_780)).build()))
        .isEqualTo("CreateStack attempt 2 due at 2026-12-07T05:19:40Z (retry backoff)");
    assertThat(ActivityProgress.line(CONVERTER, pa.toBuilder()
            .setState(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED).build()))
        .isEqualTo("CreateStack attempt 2: " + doing + " (as of 2026-12-07T05:18:40Z)");
    // Started after the heartbeat (an attempt stuck in a call that AWS does not answer).
    assertThat(ActivityProgress.line(CONVERTER, pa.toBuilder()
            .setState(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
            .setLastStartedTime(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(1_796_621_020)).build()))
        .isEqualTo("CreateStack attempt 2 running since 2026-12-07T05:23:40Z; an earlier attempt"
            + " said: " + doing + " (as of 2026-12-07T05:18:40Z)");
  }

  @Test
  void aSweepCarryingWhatItDeletedSaysWhatItIsDoing() {
    LabSweep.Progress carried =
        new LabSweep.Progress("deleting vpc vpc-1", new LabResources.Builder("lab-1").build());

    assertThat(ActivityProgress.doing(CONVERTER, beat(carried))).contains("deleting vpc vpc-1");
  }

  /** A follow's lines: what is news, not every heartbeat's new figures. */
  @Test
  void printsAnActivitysWaitWhenFirstSeenAndWhenWhatItWaitsForChanges() {
    StringWriter text = new StringWriter();
    ActivityProgress progress = new ActivityProgress(CONVERTER, new PrintWriter(text, true));
    PendingActivityInfo.Builder stack = PendingActivityInfo.newBuilder().setActivityId("7")
        .setActivityType(ActivityType.newBuilder().setName("CreateStack"));
    String waiting = "waiting for stack s to be created (now CREATE_IN_PROGRESS): ";

    progress.print(stack.build()); // no heartbeat yet
    progress.print(stack.setHeartbeatDetails(details(waiting + "1s of at most 30m, poll 1"))
        .build());
    progress.print(stack.setHeartbeatDetails(details(waiting + "30s of at most 30m, poll 6"))
        .build());
    progress.print(stack.setHeartbeatDetails(details(
        "waiting for stack s to be created (now ROLLBACK_IN_PROGRESS): 40s of at most 30m, poll 8"))
        .build());

    assertThat(text.toString().lines()).containsExactly(
        "  in progress  CreateStack: " + waiting + "1s of at most 30m, poll 1",
        "  in progress  CreateStack: waiting for stack s to be created (now ROLLBACK_IN_PROGRESS):"
            + " 40s of at most 30m, poll 8");
  }

  private static Payloads details(String doing) {
    return CONVERTER.toPayloads(doing).orElseThrow();
  }

  @Test
  void noHeartbeatOrDetailsOfAnotherShapeSayNothing() {
    Payloads binary = Payloads.newBuilder().addPayloads(Payload.newBuilder()
        .putMetadata("encoding", com.google.protobuf.ByteString.copyFromUtf8("binary/plain"))
        .setData(com.google.protobuf.ByteString.copyFromUtf8("x"))).build();

    assertThat(ActivityProgress.doing(CONVERTER, PendingActivityInfo.getDefaultInstance()))
        .isEmpty();
    assertThat(ActivityProgress.doing(CONVERTER, beat(42))).isEqualTo(Optional.empty());
    assertThat(ActivityProgress.doing(CONVERTER,
        PendingActivityInfo.newBuilder().setHeartbeatDetails(binary).build())).isEmpty();
  }
}
