package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The morning report as the Web UI 2.54 renders it: its Markdown tables have no cell padding, so
 * the rows are an aligned code block and the errors a list (seen in a real browser, see
 * scripts/lib/ui/ui_check.js).
 */
@Tag("fast")
class FleetDetailsTest {

  @Test
  void theReportIsAnAlignedCodeBlockAndTheErrorsAList() {
    FleetReport report = new FleetReport("iam-class", 0, 1, List.of(
        new LabReport("iam-class-01", LabReport.Outcome.OK, 3_400, null, null, 0, null),
        new LabReport("iam-class-02", LabReport.Outcome.FAILED, 12_100, "create-role",
            "role labflow-iam-class-02-role exists\nand is not labflow's", 1, null),
        new LabReport("iam-class-03", LabReport.Outcome.QUARANTINED, 0, null, null, 3, 5L)), null);

    assertThat(FleetDetails.markdown(report, 4, List.of("iam-class-04"))).isEqualTo("""
        **Fleet iam-class**: 3 of 4 labs done, 1 resetting

        ok 1, failed 1, quarantined 1, skipped 0 (in quarantine now: 1)

        ```
        lab           result               duration  step
        iam-class-04  resetting
        iam-class-01  ok                   3.4s
        iam-class-02  failed (1 in a row)  12.1s     create-role
        iam-class-03  quarantined
        ```

        Why:

        - `iam-class-02`: role labflow-iam-class-02-role exists and is not labflow's
        """);
  }

  /**
   * A night's {@code report} query while it runs, as {@code fleet status} reads it: the labs being
   * reset are RUNNING, the labs not started yet are not listed, and the totals count the running
   * (before: the text totals left them out, {@code ok 0, failed 0, ...} while two labs were reset).
   */
  @Test
  void aRunningNightsReportListsTheLabsBeingResetAndItsTotalsCountThem() throws Exception {
    // The stub resets each take a minute of the test server's time, which only passes while the
    // test waits for a result: the night stays at its first two labs while it is queried.
    TestWorkflowEnvironment env =
        FleetResetWorkflowTest.started("details-test", new FleetResetWorkflowTest.StubActivities());
    try {
      FleetResetWorkflow night = env.getWorkflowClient().newWorkflowStub(FleetResetWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("night-running").setTaskQueue("details-test").build());
      WorkflowClient.start(night::run, RawJson.of(new FleetRequest("class", "iam-mini", 2, 3,
          List.of(lab("lab-1"), lab("lab-2"), lab("lab-3")), Map.of(), null, null)));
      FleetReport report = night.report();
      for (int asked = 1; asked < 100 && (report == null || report.labs().size() < 2); asked++) {
        Thread.sleep(100);
        report = night.report();
      }

      assertThat(report.finishedAt()).isZero();
      assertThat(report.labs()).extracting(LabReport::labId).containsExactly("lab-1", "lab-2");
      assertThat(report.labs()).extracting(LabReport::outcome)
          .containsOnly(LabReport.Outcome.RUNNING);
      assertThat(FleetDetails.totals(report))
          .isEqualTo("ok 0, failed 0, quarantined 0, skipped 0, running 2 (in quarantine now: 0)");
    } finally {
      env.close();
    }
  }

  private static FleetLab lab(String id) {
    return new FleetLab(id, null, Map.of());
  }
}
