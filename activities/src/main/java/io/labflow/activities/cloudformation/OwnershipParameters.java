package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Ownership;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The template parameters labflow sets itself, from the activity's context, so that a template
 * tags every resource with every ownership tag ({@code labflow:lab}, {@code labflow:namespace},
 * {@code labflow:run}) whether or not the stack's own tags propagate to it (on moto they reach no
 * S3 bucket). Every template labflow creates a stack from declares them.
 */
final class OwnershipParameters {

  /** Template parameter for {@code labflow:lab}. */
  static final String LAB = "LabId";

  /** Template parameter for {@code labflow:namespace} (empty outside Temporal). */
  static final String NAMESPACE = "LabNamespace";

  /** Template parameter for {@code labflow:run} (empty when not called by the lab's own run). */
  static final String RUN = "LabRun";

  private OwnershipParameters() {}

  /**
   * The step's parameters with the ownership ones added.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} when the step sets one of
   *     them to another value than labflow's
   */
  static Map<String, String> with(Map<String, String> step, Ownership.Owner owner) {
    Map<String, String> own = new LinkedHashMap<>();
    own.put(LAB, owner.labId());
    own.put(NAMESPACE, owner.namespace() == null ? "" : owner.namespace());
    own.put(RUN, owner.runId() == null ? "" : owner.runId());
    Map<String, String> out = new LinkedHashMap<>(step == null ? Map.of() : step);
    own.forEach((k, v) -> {
      String given = out.put(k, v);
      if (given != null && !given.equals(v)) {
        throw AwsFailures.invalidInput("CreateStack: parameters." + k + " is '" + given
            + "', but labflow sets it itself to '" + v + "' (the ownership tags come from where"
            + " the step runs, not from its input)");
      }
    });
    return out;
  }
}
