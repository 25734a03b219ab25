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
    String action = "CreateLearnerAccess";
    String labId = Inputs.require(in.labId(), "labId", action);
    String name = Inputs.require(in.learnerRoleName(), "learnerRoleName", action);
    String boundaryName = Inputs.require(in.boundaryPolicyName(), "boundaryPolicyName", action);
    String trusted = Inputs.require(in.trustedPrincipalArn(), "trustedPrincipalArn", action);
    String bucket = Inputs.require(in.bucketName(), "bucketName", action);
    String boundary = policies.createPolicy(new CreatePolicyInput(
        labId, boundaryName, bucket, LearnerPolicies.BOUNDARY_ACTIONS, false)).policyArn();
    String prefix = boundary.substring(0, boundary.indexOf(":policy/"));
    // Only the operator who issues the credentials may assume the learner role.
    String trust = PolicyDocuments.trustPolicy(null, trusted);
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
    String action = "DeleteLearnerAccess";
    String labId = Inputs.require(in.labId(), "labId", action);
    String learner = Inputs.require(in.learnerRoleName(), "learnerRoleName", action);
    String boundary = Inputs.require(in.boundaryPolicyName(), "boundaryPolicyName", action);
    LearnerMade made = new LearnerMade(entities, labId, in.notBefore(), action);
    String roleName = Inputs.require(in.roleName(), "roleName", action);
    String policyName = Inputs.require(in.policyName(), "policyName", action);
    String profileName = Inputs.require(in.instanceProfileName(), "instanceProfileName", action);
    List<String> deleted = new ArrayList<>();
    List<String> untouched = new ArrayList<>();
    // First the learner's sessions: nothing the learner does can race the cleanup after this.
    note(roles.deleteOwned(learner, labId), deleted);
    note(policies.deleteOwned(entities.policyArn(learner), labId), deleted);
    boolean profile = made.take(made.profile(profileName), untouched);
    boolean role = made.take(made.role(roleName), untouched);
    boolean policy = made.take(made.policy(policyName), untouched);
    if (profile && in.instanceId() != null && !in.instanceId().isBlank()) {
      note(instances.disassociate(in.instanceId(), profileName, labId), deleted);
    }
    if (role) {
      note(roles.deleteOwned(roleName, labId), deleted);
    }
    if (profile) {
      note(profiles.deleteOwned(profileName, labId), deleted);
    }
    if (policy) {
      note(policies.deleteOwned(entities.policyArn(policyName), labId), deleted);
    }
    note(policies.deleteOwned(entities.policyArn(boundary), labId), deleted);
    log.info("lab {}: learner access removed; deleted {}, left {}", labId, deleted, untouched);
    return new DeleteLearnerAccessOutput(deleted, untouched);
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

  private static void note(DeleteOutput out, List<String> deleted) {
    if (out.deleted()) {
      deleted.add(out.resource());
    }
  }
}
