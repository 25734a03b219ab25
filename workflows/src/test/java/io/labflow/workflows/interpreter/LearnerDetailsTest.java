package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.LearnerProgress.TaskState;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The details quote policy JSON and ARNs as written, not as Markdown emphasis or links. */
@Tag("fast")
class LearnerDetailsTest {

  @Test
  void messagesHintsAndFindingsAreShownAsWritten() {
    CheckAnswer.Condition c =
        new CheckAnswer.Condition(
            "scope",
            false,
            "Allow s3_ListBucket *only* on the bucket.",
            "\"Action\": [\"s3:ListBucket\"]",
            "policy p allows s3:GetObject on every resource (\"*\")");
    LearnerProgress p =
        new LearnerProgress(
            List.of(new LearnerProgress.Task("t", "Write `the` policy", 5, TaskState.OPEN)),
            "t",
            "Use **JSON**.",
            0,
            5,
            new CheckAnswer("t", false, List.of(c), 0, 5, "t", null));

    String md = LabDetails.learner(p, "Write `the` policy");

    assertThat(md)
        .contains("- t: Write \\`the\\` policy (5 points): **OPEN** ← current")
        .contains("**Current task:** Write \\`the\\` policy")
        .contains("Use **JSON**.")
        .contains(
            "- ✗ scope: Allow s3\\_ListBucket \\*only\\* on the bucket."
                + " *Hint:* \"Action\": \\[\"s3:ListBucket\"\\]"
                + " (policy p allows s3:GetObject on every resource (\"\\*\"))");
  }

  @Test
  void theLastErrorAndTheNoticeAreShownAsWritten() {
    String error = "step 'grant' (AttachRolePolicy) failed: AccessDenied: not authorized on"
        + " arn:aws:s3:::b/*; rolled back: none; could not roll back: put (DeleteObject:"
        + " AccessDenied: not authorized on arn:aws:s3:::b/*)";
    LabStatus s = new LabStatus("lab-1", "d", "v", LabState.FAILED, List.of(), null, error,
        "teardown (signal requestTeardown): teardown of lab lab-1 incomplete; torn down: none;"
            + " could not tear down: put (DeleteObject: AccessDenied: on arn:aws:s3:::b/*)", null, List.of(),
        null);

    String md = LabDetails.render(s, "");

    assertThat(md)
        .contains("**Last error:** step 'grant' (AttachRolePolicy) failed: AccessDenied: not"
            + " authorized on arn:aws:s3:::b/\\*; rolled back: none; could not roll back: put"
            + " (DeleteObject: AccessDenied: not authorized on arn:aws:s3:::b/\\*)")
        .contains("could not tear down: put (DeleteObject: AccessDenied: on arn:aws:s3:::b/\\*)");
  }
}
