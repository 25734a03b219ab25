package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.CheckAnswer;
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
            List.of("read-write"),
            null);
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
        null, null, null, null, List.of(), null);
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
        null, null, null, null, List.of(), null);
    StringWriter text = new StringWriter();

    StatusPrinter.print(status, new PrintWriter(text, true));

    assertThat(text.toString().lines()).containsExactly(
        "Lab lab-1  definition=-  variant=-  state=FAILED");
  }

  /**
   * When a paused lab rolls back and a live one tears itself down: before, only the Web UI's details
   * said it; `labflow status` and a follow left the operator to guess.
   */
  @Test
  void aPausedOrLiveLabSaysUntilWhen() {
    List<StepStatus> steps = List.of(
        new StepStatus("attach", "AttachRolePolicy", StepState.FAILED, 1, Map.of(), "NoSuchEntity"),
        // Its error is what it went past: the step failed, then its undo was done.
        new StepStatus("stack", "CreateStack", StepState.COMPENSATED, 1, Map.of(), "StackFailed"),
        new StepStatus("role", "CreateRole", StepState.RUNNING, 2, Map.of(), "Throttling"));
    StringWriter paused = new StringWriter();
    StatusPrinter.print(new LabStatus("lab-1", "pause-lab", null, LabState.PAUSED, steps, "attach",
        null, null, null, List.of(), "2026-12-08T02:05Z"), new PrintWriter(paused, true));
    StringWriter live = new StringWriter();
    StatusPrinter.print(new LabStatus("lab-2", "pause-lab", null, LabState.LIVE, List.of(), null,
        null, null, null, List.of(), "2026-12-08T03:00Z"), new PrintWriter(live, true));

    assertThat(paused.toString().lines()).containsExactly(
        "Lab lab-1  definition=pause-lab  variant=-  state=PAUSED",
        "  FAILED               attach  AttachRolePolicy  error: NoSuchEntity",
        "  COMPENSATED          stack   CreateStack       failed before: StackFailed",
        "  RUNNING              role    CreateRole        attempt 2  failed before: Throttling",
        "Paused at step attach. Decide with: labflow resume lab-1 --retry|--skip|--rollback;"
            + " without a decision by 2026-12-08T02:05Z it rolls back");
    assertThat(live.toString().lines()).containsExactly(
        "Lab lab-2  definition=pause-lab  variant=-  state=LIVE",
        "Live until 2026-12-08T03:00Z, then it tears itself down (labflow extend lab-2 keeps it"
            + " longer)");
  }

  private static Map<String, Object> cell(String action, String resource, boolean expected, boolean allowed) {
    return Map.of("action", action, "resource", resource, "expectedAllowed", expected, "allowed", allowed);
  }

  /** Before, both were cut at 300 characters: the challenge's hint lost its last sentence. */
  @Test
  void aFailedConditionsMessageAndHintArePrintedWhole() {
    String hint = "In the EC2 console ... ".repeat(14) + "Right after the profile is created EC2"
        + " may answer \"Invalid IAM Instance Profile name\" for some seconds: try again.";
    String message = "The lab's instance must use the profile; ".repeat(8) + "the end.";
    CheckAnswer a = new CheckAnswer("instance-profile", false, List.of(new CheckAnswer.Condition(
        "profile-on-instance", false, message, hint, "instance i-1 has no instance profile")),
        60, 100, "instance-profile", null);
    StringWriter text = new StringWriter();

    StatusPrinter.printAnswer(a, false, new PrintWriter(text, true));

    assertThat(text.toString().lines()).contains(
        "  FAILED profile-on-instance: " + message, "         hint: " + hint);
    assertThat(hint.length()).isGreaterThan(300);
    assertThat(message.length()).isGreaterThan(300);
  }

  /**
   * A lab a retry got past its failure (LIVE again) printed that failure as its "Last error", as
   * if it were its present; the Web UI's details leave it out then.
   */
  @Test
  void anErrorALabWentOnPastIsSaidToBeEarlier() {
    String error = "step 'verify-after-switch' (VerifyAccess) failed: AccessMismatch: ...";
    StringWriter live = new StringWriter();
    StatusPrinter.print(new LabStatus("lab-1", "d", "v", LabState.LIVE, List.of(), null, error,
        null, null, List.of(), null), new PrintWriter(live, true));
    StringWriter paused = new StringWriter();
    StatusPrinter.print(new LabStatus("lab-1", "d", "v", LabState.PAUSED, List.of(), null, error,
        null, null, List.of(), null), new PrintWriter(paused, true));

    assertThat(live.toString().lines())
        .contains("Earlier error (the lab went on past it): " + error)
        .noneMatch(l -> l.startsWith("Last error"));
    assertThat(paused.toString().lines()).contains("Last error: " + error);
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
