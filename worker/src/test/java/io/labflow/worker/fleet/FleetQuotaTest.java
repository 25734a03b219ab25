package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet night whose labs do not all fit the AWS account's quotas (stub quota answers, stub
 * resets, time skipping): the labs that fit are reset in fleet order, the rest are reported over
 * quota with the night's quota sentence, untouched and not counted toward quarantine.
 */
@Timeout(120)
@Tag("fast")
class FleetQuotaTest {

  private static final String QUEUE = "fleet-quota-test";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FleetResetWorkflowTest.StubActivities activities;

  @BeforeEach
  void setUp() {
    activities = new FleetResetWorkflowTest.StubActivities();
    env = FleetResetWorkflowTest.started(QUEUE, activities);
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static List<FleetLab> labs(int n) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(i -> new FleetLab(String.format("lab-%02d", i), null, Map.of())).toList();
  }

  private FleetReport night(String id, FleetRequest request) {
    return client.newWorkflowStub(FleetResetWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build())
        .run(RawJson.of(request));
  }

  @Test
  void theLabsThatFitAreResetOldestFirstAndTheRestLeftOutNamingTheQuota() {
    activities.fit = 4;

    FleetReport report = night("n1",
        new FleetRequest("class", "iam-mini", 3, 2, labs(10), Map.of(), null, null));

    assertThat(FleetResetWorkflowTest.StubReset.RESETS)
        .containsOnlyKeys("lab-01", "lab-02", "lab-03", "lab-04");
    assertThat(activities.allOrNone).isFalse();
    assertThat(report.labs()).extracting(LabReport::labId)
        .containsExactlyElementsOf(labs(10).stream().map(FleetLab::labId).toList());
    assertThat(report.labs().subList(4, 10)).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(LabReport.Outcome.OVER_QUOTA);
      assertThat(r.quarantined()).isFalse();
      assertThat(r.consecutiveFailures()).isZero();
      assertThat(r.error()).contains("L-F678F1CE (VPCs per Region)");
    });
    assertThat(report.quota()).contains("L-F678F1CE", "used 1, need 10, quota 5");
    assertThat(FleetDetails.totals(report))
        .isEqualTo("ok 4, failed 0, quarantined 0, skipped 0, over quota 6 (in quarantine now: 0)");
    String details = client.newUntypedWorkflowStub("n1")
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
    assertThat(details).contains("Quotas: quota L-F678F1CE (VPCs per Region)",
        "\nlab-10  over quota");
  }

  @Test
  void aLabLeftOutKeepsItsFailuresAndTheQuarantinedAreNotAskedFor() {
    activities.fit = 1;
    Map<String, LabReport> previous = new LinkedHashMap<>();
    previous.put("lab-01", new LabReport("lab-01", LabReport.Outcome.FAILED, 5, null, "x", 5, 1L));
    previous.put("lab-03", new LabReport("lab-03", LabReport.Outcome.FAILED, 5, null, "x", 1, null));

    FleetReport report = night("n1", new FleetRequest("class", "iam-mini", 3, 2, labs(3), Map.of(),
        new FleetRequest.Progress(0, 0, previous, List.of(), null), null));

    assertThat(activities.asked).containsExactly(List.of("lab-02", "lab-03"));
    assertThat(report.lab("lab-01").outcome()).isEqualTo(LabReport.Outcome.QUARANTINED);
    assertThat(report.lab("lab-02").outcome()).isEqualTo(LabReport.Outcome.OK);
    LabReport leftOut = report.lab("lab-03");
    assertThat(leftOut.outcome()).isEqualTo(LabReport.Outcome.OVER_QUOTA);
    assertThat(leftOut.consecutiveFailures()).as("not counted toward quarantine").isEqualTo(1);
    assertThat(leftOut.quarantined()).isFalse();
  }

  @Test
  void quotaShortfallNoneResetsNoLabWhenTheyDoNotAllFit() {
    activities.fit = 4;

    FleetReport report = night("n1",
        new FleetRequest("class", "iam-mini", 3, 2, labs(5), Map.of(), null, "none"));

    assertThat(activities.allOrNone).isTrue();
    assertThat(FleetResetWorkflowTest.StubReset.RESETS).isEmpty();
    assertThat(report.labs()).allSatisfy(
        r -> assertThat(r.outcome()).isEqualTo(LabReport.Outcome.OVER_QUOTA));
  }
}
