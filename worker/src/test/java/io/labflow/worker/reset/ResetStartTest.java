package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.worker.client.LabStarter;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.ChildWorkflowOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A lab's reset starts the same way from the CLI and from a fleet's night, with its run's attributes. */
@Tag("fast")
class ResetStartTest {

  private final FleetRequest fleet = new FleetRequest("night", "iam-mini", 2, 3,
      List.of(new FleetLab("lab-7", "read-only", Map.of("n", 1L))), Map.of(), null, null);
  private final ResetRequest reset = fleet.resetOf(fleet.labs().get(0));

  @Test
  void theCliAndTheFleetStartTheSameResetWithTheLabsSearchAttributes() {
    WorkflowOptions cli = reset.options("q", "labflow fleet reset --lab");
    ChildWorkflowOptions child = reset.childOptions("night");
    var lab = new LabStarter("lab-7", "iam-mini", null, "q", "by reset-lab-7/run-1", null, null)
        .options();

    assertThat(cli.getWorkflowId()).isEqualTo("reset-lab-7").isEqualTo(child.getWorkflowId());
    assertThat(cli.getTypedSearchAttributes()).isEqualTo(child.getTypedSearchAttributes())
        .isEqualTo(lab.getTypedSearchAttributes());
    assertThat(cli.getTypedSearchAttributes().get(LabSearchAttributes.LAB_ID)).isEqualTo("lab-7");
    assertThat(cli.getTypedSearchAttributes().get(LabSearchAttributes.DEFINITION)).isEqualTo("iam-mini");
    assertThat(cli.getTypedSearchAttributes().size()).isEqualTo(2);
    assertThat(cli.getWorkflowRunTimeout()).isEqualTo(Duration.ofHours(3))
        .isEqualTo(child.getWorkflowRunTimeout());
    assertThat(cli.getTaskQueue()).isEqualTo("q");
    assertThat(cli.getStaticSummary()).isEqualTo("Reset lab lab-7 (labflow fleet reset --lab)");
    assertThat(child.getStaticSummary()).isEqualTo("Reset lab lab-7 (fleet night)");
    assertThat(child.getPriority().getPriorityKey()).isEqualTo(ResetRequest.FLEET_PRIORITY);
  }

  @Test
  void theResetCarriesTheLabsRequest() {
    assertThat(reset).isEqualTo(new ResetRequest("lab-7", "iam-mini", "read-only", Map.of("n", 1L)));
  }

  /**
   * A sweep ({@code labflow leaks --sweep}) is a reset that needs no definition; a reset's JSON is
   * as before it (no {@code sweepOnly}), so the fleet nights' recorded child inputs are unchanged.
   */
  @Test
  void aSweepNeedsNoDefinitionAndAResetsJsonIsAsBefore() {
    ResetRequest sweep = ResetRequest.sweep("lab-7");
    WorkflowOptions options = sweep.options("q", "labflow leaks --sweep");
    assertThat(options.getWorkflowId()).isEqualTo("reset-lab-7");
    assertThat(options.getStaticSummary()).isEqualTo("Sweep lab lab-7 (labflow leaks --sweep)");
    assertThat(options.getTypedSearchAttributes().get(LabSearchAttributes.LAB_ID)).isEqualTo("lab-7");
    assertThat(options.getTypedSearchAttributes().size()).isEqualTo(1);

    String resetJson = RawJson.of(reset).getPayload().getData().toStringUtf8();
    assertThat(resetJson).isEqualTo("{\"labId\":\"lab-7\",\"definition\":\"iam-mini\","
        + "\"variant\":\"read-only\",\"parameters\":{\"n\":1}}");
    assertThat(RawJson.of(sweep).getPayload().getData().toStringUtf8()).contains("\"sweepOnly\":true");
    assertThat(ResetRequest.parse(RawJson.of(sweep))).isEqualTo(sweep);
    ResetRequest text = new ResetRequest("lab-7", "iam-mini", null, Map.of("s", "x"));
    assertThat(ResetRequest.parse(RawJson.of(text))).isEqualTo(text);
  }
}
