package io.labflow.activities.iam.policies;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.DeleteOutput;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Policy;

public final class PolicyActivitiesImpl implements PolicyActivities {

  private static final Logger log = LoggerFactory.getLogger(PolicyActivitiesImpl.class);

  private final IamClient iam;
  private final IamEntities entities;
  private final PolicyVersions versions;

  public PolicyActivitiesImpl(IamEntities entities) {
    this.iam = entities.client();
    this.entities = entities;
    this.versions = new PolicyVersions(iam);
  }

  @Override
  public PolicyOutput createPolicy(CreatePolicyInput in) {
    String doc = PolicyDocuments.forBucket(
        in.bucketName(), in.actions(), Boolean.TRUE.equals(in.resourceWildcard()));
    return ensure(in.labId(), in.policyName(), doc, "labflow lab " + in.labId());
  }

  /**
   * Creates the managed policy, tagged for the lab, with this document; or adopts the one this lab
   * run created (a retry), making this document its default version. The one create of a managed
   * policy: CreatePolicy's and CreateLearnerAccess's.
   */
  public PolicyOutput ensure(String labId, String name, String doc, String description) {
    String arn = entities.policyArn(name);
    if (entities.policy(arn).isEmpty()) {
      Optional<Policy> created = AwsErrors.emptyOn(() -> iam.createPolicy(b -> b.policyName(name)
          .policyDocument(doc).description(description).tags(IamEntities.tagsForCreate(labId)))
          .policy(), "EntityAlreadyExists");
      if (created.isPresent()) {
        log.info("lab {}: created policy {}", labId, name);
        return new PolicyOutput(
            created.get().arn(), name, doc, created.get().defaultVersionId(), false);
      }
      if (entities.policy(arn).isEmpty()) {
        // Policy names are unique per account whatever the path: someone else's policy of this
        // name lives under another path.
        throw AwsFailures.notOwned("a policy named " + name + " (other path)", labId);
      }
    }
    IamEntities.requireCreatedHere(entities.policyTags(arn), "policy " + arn, labId);
    PolicyVersionOutput v = versions.ensureDefaultDocument(arn, doc, labId);
    return new PolicyOutput(arn, name, doc, v.versionId(), true);
  }

  @Override
  public PolicyVersionOutput createPolicyVersion(CreatePolicyVersionInput in) {
    String doc = PolicyDocuments.forBucket(
        in.bucketName(), in.actions(), Boolean.TRUE.equals(in.resourceWildcard()));
    String arn =
        entities.resolvePolicyArn(in.policyArn(), in.policyName(), "CreatePolicyVersion");
    if (entities.policy(arn).isEmpty()) {
      throw AwsFailures.retryable(
          "policy " + arn + " does not exist (yet)", IamEntities.NO_SUCH_ENTITY);
    }
    entities.requirePolicyOwned(arn, in.labId());
    return versions.ensureDefaultDocument(arn, doc, in.labId());
  }

  @Override
  public DeleteOutput deletePolicy(DeletePolicyInput in) {
    return deleteOwned(
        entities.resolvePolicyArn(in.policyArn(), in.policyName(), "DeletePolicy"), in.labId());
  }

  /** Deletes a policy carrying this lab's tag; shared with the lab inventory. */
  public DeleteOutput deleteOwned(String arn, String labId) {
    if (entities.policy(arn).isEmpty()) {
      return new DeleteOutput(arn, false);
    }
    entities.requirePolicyOwned(arn, labId);
    var holders = iam.listEntitiesForPolicyPaginator(b -> b.policyArn(arn));
    for (var r : holders.policyRoles()) {
      IamEntities.unlessMissing(
          () -> iam.detachRolePolicy(b -> b.roleName(r.roleName()).policyArn(arn)));
    }
    for (var u : holders.policyUsers()) {
      IamEntities.unlessMissing(
          () -> iam.detachUserPolicy(b -> b.userName(u.userName()).policyArn(arn)));
    }
    for (var g : holders.policyGroups()) {
      IamEntities.unlessMissing(
          () -> iam.detachGroupPolicy(b -> b.groupName(g.groupName()).policyArn(arn)));
    }
    versions.deleteNonDefault(arn);
    boolean deleted = IamEntities.unlessMissing(() -> iam.deletePolicy(b -> b.policyArn(arn)));
    log.info("lab {}: deleted policy {}", labId, arn);
    return new DeleteOutput(arn, deleted);
  }

  @Override
  public RolePolicyOutput attachRolePolicy(RolePolicyInput in) {
    String role = in.roleName();
    String arn = entities.resolvePolicyArn(in.policyArn(), in.policyName(), "AttachRolePolicy");
    entities.requireRoleExistsAndOwned(role, in.labId());
    if (attached(role, arn)) {
      return new RolePolicyOutput(role, arn, true, false);
    }
    iam.attachRolePolicy(b -> b.roleName(role).policyArn(arn));
    log.info("lab {}: attached {} to role {}", in.labId(), arn, role);
    return new RolePolicyOutput(role, arn, true, true);
  }

  @Override
  public RolePolicyOutput detachRolePolicy(RolePolicyInput in) {
    String role = in.roleName();
    String arn = entities.resolvePolicyArn(in.policyArn(), in.policyName(), "DetachRolePolicy");
    if (entities.role(role).isEmpty()) {
      return new RolePolicyOutput(role, arn, false, false);
    }
    entities.requireRoleOwned(role, in.labId());
    boolean changed =
        IamEntities.unlessMissing(() -> iam.detachRolePolicy(b -> b.roleName(role).policyArn(arn)));
    if (changed) {
      log.info("lab {}: detached {} from role {}", in.labId(), arn, role);
    }
    return new RolePolicyOutput(role, arn, false, changed);
  }

  private boolean attached(String role, String arn) {
    return iam.listAttachedRolePoliciesPaginator(b -> b.roleName(role)).attachedPolicies().stream()
        .anyMatch(p -> arn.equals(p.policyArn()));
  }
}
