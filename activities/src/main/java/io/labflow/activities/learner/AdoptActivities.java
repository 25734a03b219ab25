package io.labflow.activities.learner;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Adoption of what a learner made: the resource is tagged as the lab's, so that the undo actions
 * (DeleteRole, DeletePolicy, DeleteInstanceProfile, ...), teardown and the nightly sweep remove it.
 *
 * <p>Only a resource named for the lab ({@code labflow-<lab id>-...}), without another lab's tag,
 * and created at or after {@code notBefore} (the lab's start) is adopted; anything else fails
 * {@code NotOwned}, non-retryable, and nothing is changed. A missing resource fails {@code
 * NotFound}, non-retryable. Adopting what is already the lab's does nothing ({@code tagged=false}).
 */
@ActivityInterface
public interface AdoptActivities {

  @ActivityMethod(name = "AdoptRole")
  AdoptOutput adoptRole(AdoptRoleInput input);

  @ActivityMethod(name = "AdoptPolicy")
  AdoptOutput adoptPolicy(AdoptPolicyInput input);

  @ActivityMethod(name = "AdoptInstanceProfile")
  AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput input);

  /** Input of AdoptRole; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptRoleInput(String labId, String roleName, String notBefore) {}

  /** Input of AdoptPolicy; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptPolicyInput(String labId, String policyName, String notBefore) {}

  /** Input of AdoptInstanceProfile; {@code notBefore} is an ISO-8601 instant (the lab's start). */
  record AdoptInstanceProfileInput(
      String labId, String instanceProfileName, String notBefore) {}

  /** The resource adopted, and whether this call tagged it (false: it was already the lab's). */
  record AdoptOutput(String arn, boolean tagged) {}
}
