package io.labflow.activities.learner;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.learner.LearnerMade.Entity;
import io.labflow.workflows.lab.FailureTypes;
import java.util.Optional;
import java.util.function.BiFunction;

/** {@link AdoptActivities} over {@link LearnerMade}'s rule. */
public final class AdoptActivitiesImpl implements AdoptActivities {

  private final IamEntities entities;

  /** Over the IAM lookups the IAM steps share. */
  public AdoptActivitiesImpl(IamEntities entities) {
    this.entities = entities;
  }

  @Override
  public AdoptOutput adoptRole(AdoptRoleInput in) {
    return adopt("AdoptRole", in.labId(), "role", "roleName", in.roleName(), in.notBefore(),
        LearnerMade::role);
  }

  @Override
  public AdoptOutput adoptPolicy(AdoptPolicyInput in) {
    return adopt("AdoptPolicy", in.labId(), "policy", "policyName", in.policyName(),
        in.notBefore(), LearnerMade::policy);
  }

  @Override
  public AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput in) {
    return adopt("AdoptInstanceProfile", in.labId(), "instance profile", "instanceProfileName",
        in.instanceProfileName(), in.notBefore(), LearnerMade::profile);
  }

  private AdoptOutput adopt(String action, String labId, String kind, String field, String name,
      String notBefore, BiFunction<LearnerMade, String, Optional<Entity>> find) {
    String lab = Inputs.require(labId, "labId", action);
    String n = Inputs.require(name, field, action);
    LearnerMade made = new LearnerMade(entities, lab, notBefore, action);
    Entity e = find.apply(made, n).orElseThrow(() -> AwsFailures.nonRetryable(
        kind + " " + n + " does not exist", FailureTypes.NOT_FOUND));
    return new AdoptOutput(e.arn(), made.adopt(e));
  }
}
