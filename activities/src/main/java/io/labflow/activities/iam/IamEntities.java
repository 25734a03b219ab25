package io.labflow.activities.iam;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Looking up a lab's IAM roles, managed policies and instance profiles and testing their lab tag:
 * what the role, policy and instance profile steps and the lab inventory share.
 */
public final class IamEntities {

  public static final String NO_SUCH_ENTITY = "NoSuchEntity";

  private final IamClient iam;
  private final AccountGuard guard;

  public IamEntities(AwsClients clients) {
    this.iam = clients.iam();
    this.guard = AccountGuard.of(clients);
  }

  public IamClient client() {
    return iam;
  }

  public Optional<Role> role(String name) {
    return AwsErrors.emptyOn(() -> iam.getRole(b -> b.roleName(name)).role(), NO_SUCH_ENTITY);
  }

  public Optional<Policy> policy(String arn) {
    return AwsErrors.emptyOn(() -> iam.getPolicy(b -> b.policyArn(arn)).policy(), NO_SUCH_ENTITY);
  }

  public Optional<InstanceProfile> profile(String name) {
    return AwsErrors.emptyOn(
        () -> iam.getInstanceProfile(b -> b.instanceProfileName(name)).instanceProfile(),
        NO_SUCH_ENTITY);
  }

  public List<Tag> roleTags(String name) {
    return iam.listRoleTagsPaginator(b -> b.roleName(name)).tags().stream().toList();
  }

  public List<Tag> policyTags(String arn) {
    return iam.listPolicyTagsPaginator(b -> b.policyArn(arn)).tags().stream().toList();
  }

  /**
   * Fails unless the role exists (retryably: IAM is eventually consistent, so a role created a
   * moment ago may not be visible yet) and carries the lab tag.
   */
  public void requireRoleExistsAndOwned(String name, String labId) {
    if (role(name).isEmpty()) {
      throw AwsFailures.retryable("role " + name + " does not exist (yet)", NO_SUCH_ENTITY);
    }
    requireOwned(roleTags(name), "role " + name, labId);
  }

  /**
   * Whether these tags (GetInstanceProfile returns a profile's, which saves a
   * ListInstanceProfileTags call, missing from moto) carry the lab tag.
   */
  public static boolean owned(List<Tag> tags, String labId) {
    return Tags.owned(tags, Tag::key, Tag::value, labId);
  }

  public static void requireOwned(List<Tag> tags, String what, String labId) {
    if (!owned(tags, labId)) {
      throw AwsFailures.notOwned(what, labId);
    }
  }

  /** The ARN of a customer managed policy of this account with the default path. */
  public String policyArn(String name) {
    AccountGuard.Identity id = guard.identity();
    return "arn:" + id.arn().split(":")[1] + ":iam::" + id.account() + ":policy/" + name;
  }

  /** The ARN given, or the one of the policy name given. */
  public String resolvePolicyArn(String arn, String name, String action) {
    if (arn != null && !arn.isBlank()) {
      return arn;
    }
    if (name == null || name.isBlank()) {
      throw AwsFailures.invalidInput(action + ": give policyArn or policyName");
    }
    return policyArn(name);
  }

  public static List<Tag> tagsForCreate(String labId) {
    return Tags.forCreate(labId, (k, v) -> Tag.builder().key(k).value(v).build());
  }

  public static void requireCreatedHere(List<Tag> tags, String what, String labId) {
    Tags.requireCreatedHere(tags, Tag::key, Tag::value, what, labId);
  }

  /** Runs a mutation; false when IAM says the entity is already gone. */
  public static boolean unlessMissing(Runnable mutation) {
    return AwsErrors.doneUnless(mutation, NO_SUCH_ENTITY);
  }
}
