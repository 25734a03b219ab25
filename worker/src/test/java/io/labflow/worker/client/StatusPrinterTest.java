package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class StatusPrinterTest {

  @Test
  void verifyStepShowsEveryCellOfItsAccessMatrixAndFlagsMismatches() {
    Map<String, Object> outputs =
        Map.of(
            "method", "probe",
            "matrix",
            List.of(
                cell("s3:ListBucket", "arn:aws:s3:::b", true, true),
                cell("s3:PutObject", "arn:aws:s3:::b/*", false, false),
                cell("s3:GetObject", "arn:aws:s3:::b/*", true, false)));
    LabStatus status =
        new LabStatus(
            "lab-1",
            "iam-service-role-lab",
            "read-only",
            LabState.LIVE,
            List.of(
                new StepStatus("create-role", "CreateRole", StepState.DONE, 1, Map.of("roleName", "r"), null),
                new StepStatus("verify", "VerifyAccess", StepState.DONE, 1, outputs, null)),
            null,
            null,
            null,
            null,
            List.of("read-write"));
    StringWriter text = new StringWriter();

    StatusPrinter.print(status, new PrintWriter(text, true));

    List<String> lines = text.toString().lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(3)).contains("s3:ListBucket", "allowed", "(expected allowed)").doesNotContain("MISMATCH");
    assertThat(lines.get(4)).contains("s3:PutObject", "denied", "(expected denied)", "arn:aws:s3:::b/*");
    assertThat(lines.get(5)).contains("s3:GetObject", "denied", "(expected allowed)", "MISMATCH");
  }

  /**
   * After `resume --retry` the retried step's attempts start again at 1 (a new activity); before,
   * its line claimed `attempt 1`. An attempt above 1 is still shown.
   */
  @Test
  void aStepsLineClaimsNoFirstAttempt() {
    LabStatus status = new LabStatus("lab-1", "iam-mini", "default", LabState.LIVE, List.of(
        new StepStatus("policy", "CreatePolicy", StepState.DONE, 1, Map.of(), null),
        new StepStatus("attach", "AttachRolePolicy", StepState.DONE, 3, Map.of(), null)),
        null, null, null, null, List.of());
    StringWriter text = new StringWriter();

    StatusPrinter.print(status, new PrintWriter(text, true));

    assertThat(text.toString().lines()).containsExactly(
        "Lab lab-1  definition=iam-mini  variant=default  state=LIVE",
        "  DONE                 policy  CreatePolicy",
        "  DONE                 attach  AttachRolePolicy  attempt 3");
  }

  /** Before, {@code definition=null  variant=null}: a run refused in its preflight has neither. */
  @Test
  void aLabWithNoDefinitionYetShowsADashAsTheListDoes() {
    LabStatus status = new LabStatus("lab-1", null, null, LabState.FAILED, List.of(),
        null, null, null, null, List.of());
    StringWriter text = new StringWriter();

    StatusPrinter.print(status, new PrintWriter(text, true));

    assertThat(text.toString().lines()).containsExactly(
        "Lab lab-1  definition=-  variant=-  state=FAILED");
  }

  private static Map<String, Object> cell(String action, String resource, boolean expected, boolean allowed) {
    return Map.of("action", action, "resource", resource, "expectedAllowed", expected, "allowed", allowed);
  }

  /** An output without a value (an AdoptPolicy that adopted nothing) is left out, not "null". */
  @Test
  void anOutputWithoutAValueIsLeftOut() {
    Map<String, Object> outputs = new java.util.LinkedHashMap<>();
    outputs.put("arn", null);
    outputs.put("tagged", false);

    assertThat(StatusPrinter.outputs(outputs)).isEqualTo("tagged=false");
  }
}
