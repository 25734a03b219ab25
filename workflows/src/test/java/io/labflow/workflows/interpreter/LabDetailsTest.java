package io.labflow.workflows.interpreter;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the details of an ended lab say is left in AWS. */
@Tag("fast")
class LabDetailsTest {

  private static final StepStatus UNDONE =
      new StepStatus("bucket", "CreateBucket", StepState.COMPENSATED, 1, Map.of("arn", "a"), null);

  /**
   * A step that timed out produced no outputs, so its undo, which reads them, was skipped: what it
   * created is not known, and the details say so. Before, they said "nothing is left in AWS".
   */
  @Test
  void anUndoSkippedForWantOfOutputsIsNamedNotCalledNothingLeft() {
    StepStatus skipped = new StepStatus("stack", "CreateStack", StepState.COMPENSATED, 3, Map.of(),
        "StartToCloseTimeout (" + Rollback.NO_OUTPUTS + ")");
    for (LabState ended : List.of(LabState.ROLLED_BACK, LabState.TORN_DOWN)) {
      String md = LabDetails.render(status(ended, List.of(UNDONE, skipped)), "");

      assertThat(md).as(md).doesNotContain("nothing is left").contains("**Next:** the undo of stack"
          + " was skipped, the step producing no outputs: what it may have created in AWS is not"
          + " known (look for the tag labflow:lab=lab-1); ");
    }
    assertThat(LabDetails.render(status(LabState.TORN_DOWN, List.of(UNDONE)), ""))
        .endsWith("**Next:** nothing is left in AWS; start the lab again to get a new one.");
  }

  private static LabStatus status(LabState state, List<StepStatus> steps) {
    return new LabStatus("lab-1", "d", null, state, steps, null, null, null, null, List.of(), null);
  }
}
