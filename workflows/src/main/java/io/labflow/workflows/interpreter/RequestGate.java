package io.labflow.workflows.interpreter;

import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.input.LabRequestParser;
import io.labflow.workflows.lab.LabRequest;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * The door of a lab run: parses the raw workflow input against the run's workflow id and fails
 * the run (never its workflow task) with every problem when the input is wrong.
 */
final class RequestGate {

  /** Marks runs that enforce "lab id = workflow id"; older runs replay as they ran. */
  static final String IDENTITY_CHANGE = "lab-id-is-workflow-id";

  private RequestGate() {}

  /**
   * The run's request.
   *
   * @throws ApplicationFailure of type {@code InvalidRequest}, non-retryable
   */
  static LabRequest admit(Object raw) {
    LabRequestParser.Result parsed = LabRequestParser.parse(raw, Workflow.getInfo().getWorkflowId());
    if (parsed.ok()) {
      return parsed.request();
    }
    // A run started before the identity rule with another labId keeps its labId on replay; only
    // then is the version marker absent.
    if (parsed.request() != null
        && Workflow.getVersion(IDENTITY_CHANGE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return parsed.request();
    }
    throw ApplicationFailure.newNonRetryableFailure(
        parsed.message(), DefinitionActivitiesImpl.INVALID_REQUEST);
  }
}
