package io.labflow.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The morning report as the Web UI 2.54 renders it: its Markdown tables have no cell padding, so
 * the rows are an aligned code block and the errors a list (seen in a real browser, see
 * scripts/lib/ui_check.js).
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
}
