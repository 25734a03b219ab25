package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * Turns the run's request into its definition, parameters and variant through the resolve local
 * activity (which checks them all before anything is created), and records them on the run.
 */
final class LabResolver {

  private final DefinitionActivities resolver =
      Workflow.newLocalActivityStub(DefinitionActivities.class, DefinitionActivities.OPTIONS);

  /** Resolves the request onto the run; a refusal fails the lab, before any step, and is thrown. */
  void resolve(LabRun lab, LabRequest request) {
    ResolvedLab resolved;
    try {
      resolved = resolver.resolve(request);
    } catch (ActivityFailure e) {
      Throwable root = Failures.root(e);
      String message =
          root instanceof ApplicationFailure af ? af.getOriginalMessage() : Failures.describe(e);
      String type = root instanceof ApplicationFailure af ? af.getType() : FailureTypes.RESOLVE_FAILED;
      throw lab.fail(type, message, true);
    }
    lab.resolved(request, resolved);
  }
}
