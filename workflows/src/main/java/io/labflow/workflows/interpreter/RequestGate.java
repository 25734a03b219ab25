package io.labflow.workflows.interpreter;

import io.labflow.workflows.input.LabRequestParser;
import io.labflow.workflows.input.RequestFields;
import io.labflow.workflows.lab.LabRequest;
import io.temporal.common.converter.RawValue;
import io.temporal.workflow.Workflow;

/**
 * The door of a lab run: reads the raw workflow input (within its limits) against the run's
 * workflow id, or throws a non-retryable {@code InvalidRequest} naming every problem, so that a
 * wrong input fails the run, never its workflow task.
 */
final class RequestGate {

  private RequestGate() {}

  static LabRequest admit(RawValue raw) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    LabRequestParser.Result parsed = LabRequestParser.parse(raw, workflowId, true);
    if (parsed.ok()) {
      return parsed.request();
    }
    // Runs from before the version refused no field given as null, nor definition with
    // definitionYaml (a null was absent, definitionYaml won): they replay so. The version is asked
    // only when the stricter rules alone refuse the request, so a good request records no marker.
    LabRequestParser.Result lenient = LabRequestParser.parse(raw, workflowId, false);
    if (lenient.problems().size() < parsed.problems().size()
        && Workflow.getVersion("null-is-not-absent", Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      parsed = lenient;
      if (parsed.ok()) {
        return parsed.request();
      }
    }
    // A run started before the identity rule with another labId keeps its labId on replay; only
    // then is the version marker absent.
    if (parsed.request() != null
        && Workflow.getVersion("lab-id-is-workflow-id", Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return parsed.request();
    }
    throw RequestFields.invalid(parsed.problems());
  }
}
