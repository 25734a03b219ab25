package io.labflow.activities.iam.policies;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.DeleteOutput;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

public record PolicyActivitiesImpl(IamEntities entities) implements PolicyActivities {

  private static final Logger log = LoggerFactory.getLogger(PolicyActivitiesImpl.class);
  private static final int MAX_POLICY_VERSIONS = 5;

  private IamClient iam() {
    return entities.client();
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
      Optional<Policy> created = AwsErrors.emptyOn(() -> iam().createPolicy(b -> b.policyName(name)
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
    PolicyVersionOutput v = ensureDefaultDocument(arn, doc, labId);
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
    IamEntities.requireOwned(entities.policyTags(arn), "policy " + arn, in.labId());
    return ensureDefaultDocument(arn, doc, in.labId());
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
    IamEntities.requireOwned(entities.policyTags(arn), "policy " + arn, labId);
    var holders = iam().listEntitiesForPolicyPaginator(b -> b.policyArn(arn));
    holders.policyRoles().forEach(r -> IamEntities.unlessMissing(
        () -> iam().detachRolePolicy(b -> b.roleName(r.roleName()).policyArn(arn))));
    holders.policyUsers().forEach(u -> IamEntities.unlessMissing(
        () -> iam().detachUserPolicy(b -> b.userName(u.userName()).policyArn(arn))));
    holders.policyGroups().forEach(g -> IamEntities.unlessMissing(
        () -> iam().detachGroupPolicy(b -> b.groupName(g.groupName()).policyArn(arn))));
    // Every version but the default one (IAM deletes that with the policy).
    iam().listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions().stream()
        .filter(v -> !v.isDefaultVersion()).forEach(v -> deleteVersion(arn, v));
    boolean deleted = IamEntities.unlessMissing(() -> iam().deletePolicy(b -> b.policyArn(arn)));
    log.info("lab {}: deleted policy {}", labId, arn);
    return new DeleteOutput(arn, deleted);
  }

  @Override
  public RolePolicyOutput attachRolePolicy(RolePolicyInput in) {
    String role = in.roleName();
    String arn = entities.resolvePolicyArn(in.policyArn(), in.policyName(), "AttachRolePolicy");
    entities.requireRoleExistsAndOwned(role, in.labId());
    if (iam().listAttachedRolePoliciesPaginator(b -> b.roleName(role)).attachedPolicies().stream()
        .anyMatch(p -> arn.equals(p.policyArn()))) {
      return new RolePolicyOutput(role, arn, true, false);
    }
    iam().attachRolePolicy(b -> b.roleName(role).policyArn(arn));
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
    IamEntities.requireOwned(entities.roleTags(role), "role " + role, in.labId());
    boolean changed = IamEntities.unlessMissing(
        () -> iam().detachRolePolicy(b -> b.roleName(role).policyArn(arn)));
    if (changed) {
      log.info("lab {}: detached {} from role {}", in.labId(), arn, role);
    }
    return new RolePolicyOutput(role, arn, false, changed);
  }

  /** Makes {@code doc} the default version unless it already is, within IAM's five versions. */
  private PolicyVersionOutput ensureDefaultDocument(String arn, String doc, String labId) {
    List<PolicyVersion> versions =
        iam().listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions().stream().toList();
    Optional<PolicyVersion> current =
        versions.stream().filter(PolicyVersion::isDefaultVersion).findFirst();
    if (current.isPresent() && PolicyDocuments.sameDocument(doc, iam().getPolicyVersion(
        b -> b.policyArn(arn).versionId(current.get().versionId())).policyVersion().document())) {
      return new PolicyVersionOutput(arn, current.get().versionId(), doc, false);
    }
    if (versions.size() >= MAX_POLICY_VERSIONS) {
      PolicyVersion oldest = versions.stream().filter(v -> !v.isDefaultVersion())
          .min(Comparator.comparing(PolicyVersion::createDate)).orElseThrow();
      deleteVersion(arn, oldest);
      log.info("lab {}: deleted oldest version {} of {}", labId, oldest.versionId(), arn);
    }
    // Neither idempotent nor with a client token: sent once; the activity's retry reads first.
    PolicyVersion created = iam().createPolicyVersion(b -> b.policyArn(arn).policyDocument(doc)
        .setAsDefault(true).overrideConfiguration(AwsClients::sentOnce)).policyVersion();
    log.info("lab {}: policy {} has new default version {}", labId, arn, created.versionId());
    return new PolicyVersionOutput(arn, created.versionId(), doc, true);
  }

  private void deleteVersion(String arn, PolicyVersion v) {
    IamEntities.unlessMissing(
        () -> iam().deletePolicyVersion(b -> b.policyArn(arn).versionId(v.versionId())));
  }
}
