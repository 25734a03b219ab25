package io.labflow.activities.learner;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivitiesImpl;
import io.labflow.activities.iam.profiles.InstanceProfileActivitiesImpl;
import io.labflow.activities.iam.roles.RoleActivities.RoleOutput;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.activities.learner.LearnerMade.Entity;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.workflows.lab.FailureTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LearnerAccessActivities} over the role, policy, profile and EC2 steps' own code, and
 * {@link LearnerMade}'s rule.
 */
public final class LearnerAccessActivitiesImpl implements LearnerAccessActivities {

  private static final Logger log = LoggerFactory.getLogger(LearnerAccessActivitiesImpl.class);
  private final IamEntities entities;
  private final RoleActivitiesImpl roles;
  private final PolicyActivitiesImpl policies;
  private final InstanceProfileActivitiesImpl profiles;
  private final Ec2ActivitiesImpl instances;

  public LearnerAccessActivitiesImpl(IamEntities entities, RoleActivitiesImpl roles,
      PolicyActivitiesImpl policies, InstanceProfileActivitiesImpl profiles, Ec2ActivitiesImpl instances) {
    this.entities = entities;
    this.roles = roles;
    this.policies = policies;
    this.profiles = profiles;
    this.instances = instances;
  }

  @Override
  public LearnerAccessOutput createLearnerAccess(CreateLearnerAccessInput in) {
    String labId = in.labId();
    String name = in.learnerRoleName();
    String boundary = policies.createPolicy(new CreatePolicyInput(labId,
        in.boundaryPolicyName(), in.bucketName(), LearnerPolicies.BOUNDARY_ACTIONS, false))
        .policyArn();
    String prefix = boundary.substring(0, boundary.indexOf(":policy/"));
    // Only the operator who issues the credentials may assume the learner role.
    String trust = PolicyDocuments.trustPolicy(null, in.trustedPrincipalArn());
    RoleOutput role = roles.ensure(labId, name, trust, b -> b
        .maxSessionDuration(LearnerPolicies.MAX_SESSION_SECONDS)
        .description("labflow lab " + labId + ": the learner's credentials"));
    // The learner role's permissions as a managed policy of the role's name (not inline: the
    // worker may attach only lab policies, and needs no iam:PutRolePolicy).
    String policy = policies.ensure(labId, name, LearnerPolicies.learner(labId, prefix, boundary,
        Inputs.orDefault(in.instanceId(), null)), "labflow lab " + labId + ": the learner's")
        .policyArn();
    policies.attachRolePolicy(new RolePolicyInput(labId, name, policy, null));
    log.info("lab {}: learner access {} (boundary {})", labId, role.roleArn(), boundary);
    return new LearnerAccessOutput(role.roleArn(), boundary);
  }

  @Override
  public DeleteLearnerAccessOutput deleteLearnerAccess(DeleteLearnerAccessInput in) {
    String labId = in.labId();
    LearnerMade made = new LearnerMade(entities, labId, in.notBefore(), "DeleteLearnerAccess");
    String profileName = in.instanceProfileName();
    List<String> deleted = new ArrayList<>();
    List<String> untouched = new ArrayList<>();
    // First the learner's sessions: nothing the learner does can race the cleanup after this.
    note(roles.deleteOwned(in.learnerRoleName(), labId), deleted);
    note(policies.deleteOwned(entities.policyArn(in.learnerRoleName()), labId), deleted);
    boolean profile = made.take(made.profile(profileName), untouched);
    boolean role = made.take(made.role(in.roleName()), untouched);
    boolean policy = made.take(made.policy(in.policyName()), untouched);
    if (profile && in.instanceId() != null && !in.instanceId().isBlank()) {
      note(instances.disassociate(in.instanceId(), profileName, labId), deleted);
    }
    if (role) {
      note(roles.deleteOwned(in.roleName(), labId), deleted);
    }
    if (profile) {
      note(profiles.deleteOwned(profileName, labId), deleted);
    }
    if (policy) {
      note(policies.deleteOwned(entities.policyArn(in.policyName()), labId), deleted);
    }
    note(policies.deleteOwned(entities.policyArn(in.boundaryPolicyName()), labId), deleted);
    log.info("lab {}: learner access removed; deleted {}, left {}", labId, deleted, untouched);
    return new DeleteLearnerAccessOutput(deleted, untouched);
  }

  @Override
  public AdoptOutput adoptRole(AdoptRoleInput in) {
    return adopt("AdoptRole", in.labId(), "role", in.roleName(), in.notBefore(), LearnerMade::role);
  }

  @Override
  public AdoptOutput adoptPolicy(AdoptPolicyInput in) {
    return adopt("AdoptPolicy", in.labId(), "policy", in.policyName(), in.notBefore(),
        LearnerMade::policy);
  }

  @Override
  public AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput in) {
    return adopt("AdoptInstanceProfile", in.labId(), "instance profile", in.instanceProfileName(),
        in.notBefore(), LearnerMade::profile);
  }

  private AdoptOutput adopt(String action, String labId, String kind, String name,
      String notBefore, BiFunction<LearnerMade, String, Optional<Entity>> find) {
    LearnerMade made = new LearnerMade(entities, labId, notBefore, action);
    Entity e = find.apply(made, name).orElseThrow(() -> AwsFailures.nonRetryable(
        kind + " " + name + " does not exist", FailureTypes.NOT_FOUND));
    return new AdoptOutput(e.arn(), made.adopt(e));
  }

  private static void note(DeleteOutput out, List<String> deleted) {
    if (out.deleted()) {
      deleted.add(out.resource());
    }
  }
}
