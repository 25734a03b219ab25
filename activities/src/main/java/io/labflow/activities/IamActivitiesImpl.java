package io.labflow.activities;

import io.labflow.activities.model.CreateInstanceProfileInput;
import io.labflow.activities.model.CreatePolicyInput;
import io.labflow.activities.model.CreatePolicyVersionInput;
import io.labflow.activities.model.CreateRoleInput;
import io.labflow.activities.model.DeleteInstanceProfileInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.DeletePolicyInput;
import io.labflow.activities.model.DeleteRoleInput;
import io.labflow.activities.model.InstanceProfileOutput;
import io.labflow.activities.model.PolicyOutput;
import io.labflow.activities.model.PolicyVersionOutput;
import io.labflow.activities.model.RoleOutput;
import io.labflow.activities.model.RolePolicyInput;
import io.labflow.activities.model.RolePolicyOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyVersion;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/** {@link IamActivities} over the AWS SDK. */
public final class IamActivitiesImpl implements IamActivities {

  private static final Logger log = LoggerFactory.getLogger(IamActivitiesImpl.class);
  public static final String DEFAULT_SERVICE_PRINCIPAL = "ec2.amazonaws.com";
  private static final int MAX_POLICY_VERSIONS = 5;

  private final IamClient iam;
  private final StsClient sts;
  private volatile String accountPrefix;

  public IamActivitiesImpl(AwsClients clients) {
    this.iam = clients.iam();
    this.sts = clients.sts();
  }

  // ---------------------------------------------------------------- roles

  @Override
  public RoleOutput createRole(CreateRoleInput in) {
    String labId = Inputs.require(in.labId(), "labId", "CreateRole");
    String name = Inputs.require(in.roleName(), "roleName", "CreateRole");
    String trust =
        PolicyDocuments.trustPolicy(
            Inputs.orDefault(in.servicePrincipal(), DEFAULT_SERVICE_PRINCIPAL),
            in.trustedPrincipalArn());
    return call(
        () -> {
          Optional<Role> existing = role(name);
          if (existing.isEmpty()) {
            try {
              Role created =
                  iam.createRole(
                          b ->
                              b.roleName(name)
                                  .path(Inputs.orDefault(in.path(), "/"))
                                  .description(in.description())
                                  .assumeRolePolicyDocument(trust)
                                  .tags(Tags.forCreate(labId, IamActivitiesImpl::tag)))
                      .role();
              log.info("lab {}: created role {}", labId, name);
              return new RoleOutput(created.roleName(), created.arn(), false);
            } catch (IamException e) {
              if (!AwsFailures.hasCode(e, "EntityAlreadyExists")) {
                throw e;
              }
              existing = role(name);
              if (existing.isEmpty()) {
                throw e;
              }
            }
          }
          Role r = existing.get();
          requireCreatedHere(roleTags(name), "role " + name, labId);
          if (r.assumeRolePolicyDocument() == null
              || !PolicyDocuments.sameDocument(r.assumeRolePolicyDocument(), trust)) {
            iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(trust));
            log.info("lab {}: adopted role {} and updated its trust policy", labId, name);
          }
          return new RoleOutput(r.roleName(), r.arn(), true);
        });
  }

  @Override
  public DeleteOutput deleteRole(DeleteRoleInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeleteRole");
    String name = Inputs.require(in.roleName(), "roleName", "DeleteRole");
    return call(() -> deleteOwnedRole(name, labId));
  }

  /** Deletes a role carrying this lab's tag; shared with the lab inventory. */
  DeleteOutput deleteOwnedRole(String name, String labId) {
    if (role(name).isEmpty()) {
      return new DeleteOutput("role/" + name, false);
    }
    requireRoleOwned(name, labId);
    // Check every instance profile before changing anything, so a refusal touches nothing.
    List<InstanceProfile> profiles = new ArrayList<>();
    for (InstanceProfile p :
        iam.listInstanceProfilesForRolePaginator(b -> b.roleName(name)).instanceProfiles()) {
      if (!profileOwned(p.instanceProfileName(), labId)) {
        throw AwsFailures.nonRetryable(
            "role "
                + name
                + " is in instance profile "
                + p.instanceProfileName()
                + ", which is not tagged "
                + Tags.LAB_TAG
                + "="
                + labId
                + "; labflow will not change it",
            AwsFailures.DELETE_CONFLICT);
      }
      profiles.add(p);
    }
    for (AttachedPolicy p :
        iam.listAttachedRolePoliciesPaginator(b -> b.roleName(name)).attachedPolicies()) {
      ignoreMissing(() -> iam.detachRolePolicy(b -> b.roleName(name).policyArn(p.policyArn())));
    }
    for (String inline : iam.listRolePoliciesPaginator(b -> b.roleName(name)).policyNames()) {
      ignoreMissing(() -> iam.deleteRolePolicy(b -> b.roleName(name).policyName(inline)));
    }
    for (InstanceProfile p : profiles) {
      ignoreMissing(
          () ->
              iam.removeRoleFromInstanceProfile(
                  b -> b.roleName(name).instanceProfileName(p.instanceProfileName())));
    }
    boolean deleted = ignoreMissing(() -> iam.deleteRole(b -> b.roleName(name)));
    log.info("lab {}: deleted role {}", labId, name);
    return new DeleteOutput("role/" + name, deleted);
  }

  // ---------------------------------------------------------------- policies

  @Override
  public PolicyOutput createPolicy(CreatePolicyInput in) {
    String labId = Inputs.require(in.labId(), "labId", "CreatePolicy");
    String name = Inputs.require(in.policyName(), "policyName", "CreatePolicy");
    String doc =
        PolicyDocuments.forBucket(
            Inputs.require(in.bucketName(), "bucketName", "CreatePolicy"),
            Inputs.require(in.actions(), "actions", "CreatePolicy"),
            Boolean.TRUE.equals(in.resourceWildcard()));
    return call(
        () -> {
          String arn = policyArn(name);
          Optional<Policy> existing = policy(arn);
          if (existing.isEmpty()) {
            try {
              Policy p =
                  iam.createPolicy(
                          b ->
                              b.policyName(name)
                                  .policyDocument(doc)
                                  .description("labflow lab " + labId)
                                  .tags(Tags.forCreate(labId, IamActivitiesImpl::tag)))
                      .policy();
              log.info("lab {}: created policy {}", labId, name);
              return new PolicyOutput(p.arn(), name, doc, p.defaultVersionId(), false);
            } catch (IamException e) {
              if (!AwsFailures.hasCode(e, "EntityAlreadyExists")) {
                throw e;
              }
              if (policy(arn).isEmpty()) {
                // Policy names are unique per account whatever the path: someone else's policy
                // of this name lives under another path.
                throw AwsFailures.notOwned("a policy named " + name + " (other path)", labId);
              }
            }
          }
          requireCreatedHere(policyTags(arn), "policy " + arn, labId);
          PolicyVersionOutput v = ensureDefaultDocument(arn, doc, labId);
          return new PolicyOutput(arn, name, doc, v.versionId(), true);
        });
  }

  @Override
  public PolicyVersionOutput createPolicyVersion(CreatePolicyVersionInput in) {
    String labId = Inputs.require(in.labId(), "labId", "CreatePolicyVersion");
    String doc =
        PolicyDocuments.forBucket(
            Inputs.require(in.bucketName(), "bucketName", "CreatePolicyVersion"),
            Inputs.require(in.actions(), "actions", "CreatePolicyVersion"),
            Boolean.TRUE.equals(in.resourceWildcard()));
    return call(
        () -> {
          String arn = resolvePolicyArn(in.policyArn(), in.policyName(), "CreatePolicyVersion");
          if (policy(arn).isEmpty()) {
            throw AwsFailures.retryable(
                "policy " + arn + " does not exist (yet)", "NoSuchEntity");
          }
          requirePolicyOwned(arn, labId);
          return ensureDefaultDocument(arn, doc, labId);
        });
  }

  /** Makes {@code doc} the default version unless it already is. */
  private PolicyVersionOutput ensureDefaultDocument(String arn, String doc, String labId) {
    List<PolicyVersion> versions = new ArrayList<>();
    iam.listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions().forEach(versions::add);
    PolicyVersion current =
        versions.stream().filter(PolicyVersion::isDefaultVersion).findFirst().orElse(null);
    if (current != null) {
      String currentDoc =
          iam.getPolicyVersion(b -> b.policyArn(arn).versionId(current.versionId()))
              .policyVersion()
              .document();
      if (PolicyDocuments.sameDocument(currentDoc, doc)) {
        return new PolicyVersionOutput(arn, current.versionId(), doc, false);
      }
    }
    if (versions.size() >= MAX_POLICY_VERSIONS) {
      PolicyVersion oldest =
          versions.stream()
              .filter(v -> !v.isDefaultVersion())
              .min(Comparator.comparing(PolicyVersion::createDate))
              .orElseThrow();
      ignoreMissing(
          () -> iam.deletePolicyVersion(b -> b.policyArn(arn).versionId(oldest.versionId())));
      log.info("lab {}: deleted oldest version {} of {}", labId, oldest.versionId(), arn);
    }
    PolicyVersion created =
        iam.createPolicyVersion(
                b ->
                    b.policyArn(arn)
                        .policyDocument(doc)
                        .setAsDefault(true)
                        .overrideConfiguration(o -> o.addPlugin(SingleAttempt.PLUGIN)))
            .policyVersion();
    log.info("lab {}: policy {} has new default version {}", labId, arn, created.versionId());
    return new PolicyVersionOutput(arn, created.versionId(), doc, true);
  }

  @Override
  public DeleteOutput deletePolicy(DeletePolicyInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeletePolicy");
    return call(
        () ->
            deleteOwnedPolicy(
                resolvePolicyArn(in.policyArn(), in.policyName(), "DeletePolicy"), labId));
  }

  /** Deletes a policy carrying this lab's tag; shared with the lab inventory. */
  DeleteOutput deleteOwnedPolicy(String arn, String labId) {
    if (policy(arn).isEmpty()) {
      return new DeleteOutput(arn, false);
    }
    requirePolicyOwned(arn, labId);
    var entities = iam.listEntitiesForPolicyPaginator(b -> b.policyArn(arn));
    for (var r : entities.policyRoles()) {
      ignoreMissing(() -> iam.detachRolePolicy(b -> b.roleName(r.roleName()).policyArn(arn)));
    }
    for (var u : entities.policyUsers()) {
      ignoreMissing(() -> iam.detachUserPolicy(b -> b.userName(u.userName()).policyArn(arn)));
    }
    for (var g : entities.policyGroups()) {
      ignoreMissing(() -> iam.detachGroupPolicy(b -> b.groupName(g.groupName()).policyArn(arn)));
    }
    for (PolicyVersion v : iam.listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions()) {
      if (!v.isDefaultVersion()) {
        ignoreMissing(
            () -> iam.deletePolicyVersion(b -> b.policyArn(arn).versionId(v.versionId())));
      }
    }
    boolean deleted = ignoreMissing(() -> iam.deletePolicy(b -> b.policyArn(arn)));
    log.info("lab {}: deleted policy {}", labId, arn);
    return new DeleteOutput(arn, deleted);
  }

  // ---------------------------------------------------------------- attachments

  @Override
  public RolePolicyOutput attachRolePolicy(RolePolicyInput in) {
    String labId = Inputs.require(in.labId(), "labId", "AttachRolePolicy");
    String role = Inputs.require(in.roleName(), "roleName", "AttachRolePolicy");
    return call(
        () -> {
          String arn = resolvePolicyArn(in.policyArn(), in.policyName(), "AttachRolePolicy");
          if (role(role).isEmpty()) {
            throw AwsFailures.retryable(
                "role " + role + " does not exist (yet)", "NoSuchEntity");
          }
          requireRoleOwned(role, labId);
          if (attached(role, arn)) {
            return new RolePolicyOutput(role, arn, true, false);
          }
          iam.attachRolePolicy(b -> b.roleName(role).policyArn(arn));
          log.info("lab {}: attached {} to role {}", labId, arn, role);
          return new RolePolicyOutput(role, arn, true, true);
        });
  }

  @Override
  public RolePolicyOutput detachRolePolicy(RolePolicyInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DetachRolePolicy");
    String role = Inputs.require(in.roleName(), "roleName", "DetachRolePolicy");
    return call(
        () -> {
          String arn = resolvePolicyArn(in.policyArn(), in.policyName(), "DetachRolePolicy");
          if (role(role).isEmpty()) {
            return new RolePolicyOutput(role, arn, false, false);
          }
          requireRoleOwned(role, labId);
          boolean changed =
              ignoreMissing(() -> iam.detachRolePolicy(b -> b.roleName(role).policyArn(arn)));
          if (changed) {
            log.info("lab {}: detached {} from role {}", labId, arn, role);
          }
          return new RolePolicyOutput(role, arn, false, changed);
        });
  }

  private boolean attached(String role, String arn) {
    for (AttachedPolicy p :
        iam.listAttachedRolePoliciesPaginator(b -> b.roleName(role)).attachedPolicies()) {
      if (arn.equals(p.policyArn())) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- instance profiles

  @Override
  public InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput in) {
    String labId = Inputs.require(in.labId(), "labId", "CreateInstanceProfile");
    String name =
        Inputs.require(in.instanceProfileName(), "instanceProfileName", "CreateInstanceProfile");
    String role = Inputs.require(in.roleName(), "roleName", "CreateInstanceProfile");
    return call(
        () -> {
          if (role(role).isEmpty()) {
            throw AwsFailures.retryable(
                "role " + role + " does not exist (yet)", "NoSuchEntity");
          }
          requireRoleOwned(role, labId);
          boolean adopted = true;
          Optional<InstanceProfile> existing = profile(name);
          if (existing.isEmpty()) {
            try {
              iam.createInstanceProfile(
                  b ->
                      b.instanceProfileName(name)
                          .path(Inputs.orDefault(in.path(), "/"))
                          .tags(Tags.forCreate(labId, IamActivitiesImpl::tag)));
              log.info("lab {}: created instance profile {}", labId, name);
              adopted = false;
            } catch (IamException e) {
              if (!AwsFailures.hasCode(e, "EntityAlreadyExists")) {
                throw e;
              }
            }
            existing = profile(name);
            if (existing.isEmpty()) {
              throw AwsFailures.retryable(
                  "instance profile " + name + " not visible yet", "NoSuchEntity");
            }
          }
          if (adopted) {
            requireCreatedHere(existing.get().tags(), "instance profile " + name, labId);
          }
          InstanceProfile p = existing.get();
          boolean hasRole = false;
          for (Role r : p.roles()) {
            if (r.roleName().equals(role)) {
              hasRole = true;
            } else {
              // A profile holds one role; an owned profile holding another gets ours instead.
              ignoreMissing(
                  () ->
                      iam.removeRoleFromInstanceProfile(
                          b -> b.instanceProfileName(name).roleName(r.roleName())));
            }
          }
          if (!hasRole) {
            iam.addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(role));
          }
          return new InstanceProfileOutput(name, p.arn(), role, adopted);
        });
  }

  @Override
  public DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeleteInstanceProfile");
    String name =
        Inputs.require(in.instanceProfileName(), "instanceProfileName", "DeleteInstanceProfile");
    return call(() -> deleteOwnedProfile(name, labId));
  }

  /** Deletes an instance profile carrying this lab's tag; shared with the lab inventory. */
  DeleteOutput deleteOwnedProfile(String name, String labId) {
    Optional<InstanceProfile> existing = profile(name);
    if (existing.isEmpty()) {
      return new DeleteOutput("instance-profile/" + name, false);
    }
    if (!profileOwned(name, labId)) {
      throw AwsFailures.notOwned("instance profile " + name, labId);
    }
    for (Role r : existing.get().roles()) {
      ignoreMissing(
          () ->
              iam.removeRoleFromInstanceProfile(
                  b -> b.instanceProfileName(name).roleName(r.roleName())));
    }
    boolean deleted = ignoreMissing(() -> iam.deleteInstanceProfile(b -> b.instanceProfileName(name)));
    log.info("lab {}: deleted instance profile {}", labId, name);
    return new DeleteOutput("instance-profile/" + name, deleted);
  }

  // ---------------------------------------------------------------- lookups and ownership

  Optional<Role> role(String name) {
    try {
      return Optional.of(iam.getRole(b -> b.roleName(name)).role());
    } catch (IamException e) {
      if (AwsFailures.hasCode(e, "NoSuchEntity")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  Optional<Policy> policy(String arn) {
    try {
      return Optional.of(iam.getPolicy(b -> b.policyArn(arn)).policy());
    } catch (IamException e) {
      if (AwsFailures.hasCode(e, "NoSuchEntity")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  Optional<InstanceProfile> profile(String name) {
    try {
      return Optional.of(iam.getInstanceProfile(b -> b.instanceProfileName(name)).instanceProfile());
    } catch (IamException e) {
      if (AwsFailures.hasCode(e, "NoSuchEntity")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  boolean roleOwned(String name, String labId) {
    return Tags.owned(roleTags(name), Tag::key, Tag::value, labId);
  }

  boolean policyOwned(String arn, String labId) {
    return Tags.owned(policyTags(arn), Tag::key, Tag::value, labId);
  }

  private List<Tag> roleTags(String name) {
    return iam.listRoleTagsPaginator(b -> b.roleName(name)).tags().stream().toList();
  }

  private List<Tag> policyTags(String arn) {
    return iam.listPolicyTagsPaginator(b -> b.policyArn(arn)).tags().stream().toList();
  }

  /** A create adopts only what this lab run created ({@link Ownership#createdBy}). */
  private static void requireCreatedHere(List<Tag> tags, String what, String labId) {
    if (!Tags.createdHere(tags, Tag::key, Tag::value, labId)) {
      throw AwsFailures.nonRetryable(
          what
              + " exists but was not created by this run of lab "
              + labId
              + " (its labflow:lab, labflow:namespace and labflow:run tags say otherwise);"
              + " labflow does not adopt it",
          AwsFailures.NOT_OWNED);
    }
  }

  /**
   * Whether the profile carries the lab tag. GetInstanceProfile returns the tags, which saves a
   * ListInstanceProfileTags call (and that call is missing from moto).
   */
  boolean profileOwned(String name, String labId) {
    return profile(name).map(p -> Tags.owned(p.tags(), Tag::key, Tag::value, labId)).orElse(false);
  }

  private void requireRoleOwned(String name, String labId) {
    if (!roleOwned(name, labId)) {
      throw AwsFailures.notOwned("role " + name, labId);
    }
  }

  private void requirePolicyOwned(String arn, String labId) {
    if (!policyOwned(arn, labId)) {
      throw AwsFailures.notOwned("policy " + arn, labId);
    }
  }

  /** The ARN of a customer managed policy of this account with the default path. */
  String policyArn(String name) {
    return accountPrefix() + ":policy/" + name;
  }

  private String resolvePolicyArn(String arn, String name, String action) {
    if (arn != null && !arn.isBlank()) {
      return arn;
    }
    if (name == null || name.isBlank()) {
      throw AwsFailures.invalidInput(action + ": give policyArn or policyName");
    }
    return policyArn(name);
  }

  /** {@code arn:<partition>:iam::<account>}, asked of STS once. */
  private String accountPrefix() {
    String p = accountPrefix;
    if (p == null) {
      var id = sts.getCallerIdentity();
      String partition = id.arn().split(":")[1];
      p = "arn:" + partition + ":iam::" + id.account();
      accountPrefix = p;
    }
    return p;
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  /** Runs a mutation; false when IAM says the entity is already gone. */
  private static boolean ignoreMissing(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IamException e) {
      if (AwsFailures.hasCode(e, "NoSuchEntity")) {
        return false;
      }
      throw e;
    }
  }

  private static <T> T call(Supplier<T> body) {
    try {
      return body.get();
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }
}
