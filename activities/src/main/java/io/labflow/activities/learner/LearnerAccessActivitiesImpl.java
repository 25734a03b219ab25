package io.labflow.activities.learner;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.common.Tags;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivitiesImpl;
import io.labflow.activities.iam.profiles.InstanceProfileActivitiesImpl;
import io.labflow.activities.iam.roles.RoleActivities.RoleOutput;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * {@link LearnerAccessActivities} over the role, policy, profile and EC2 steps' own code, and the
 * one rule for what the learner made, which the lab may take as its own (tag it, then delete it as
 * it deletes what it created): a role, policy or instance profile named for the lab ({@code
 * labflow-<lab id>-...}), carrying no other lab's (or namespace's) {@code labflow:} tag, and
 * created at or after the lab's start. The adopt actions refuse anything else ({@code NotOwned});
 * DeleteLearnerAccess leaves it and says why.
 */
public record LearnerAccessActivitiesImpl(IamEntities entities, RoleActivitiesImpl roles,
    PolicyActivitiesImpl policies, InstanceProfileActivitiesImpl profiles,
    Ec2ActivitiesImpl instances) implements LearnerAccessActivities {

  private static final Logger log = LoggerFactory.getLogger(LearnerAccessActivitiesImpl.class);

  /** One IAM entity as the rule reads it: {@code kind} and {@code name} name it in sentences. */
  private record Entity(String kind, String name, String arn, Instant created,
      Supplier<List<Tag>> tags, Consumer<List<Tag>> tag) {
    String what() {
      return kind + " " + name;
    }
  }

  @Override
  public LearnerAccessOutput createLearnerAccess(CreateLearnerAccessInput in) {
    String labId = in.labId();
    String name = in.learnerRoleName();
    String boundary = policies.ensure(labId, in.boundaryPolicyName(), PolicyDocuments.forBucket(
        in.bucketName(), LearnerPolicies.BOUNDARY_ACTIONS, false), "labflow lab " + labId)
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
    String profileName = in.instanceProfileName();
    boolean takes = given(profileName) || given(in.roleName()) || given(in.policyName());
    Instant notBefore = takes ? notBefore(
        Inputs.require(in.notBefore(), "notBefore", "DeleteLearnerAccess"), "DeleteLearnerAccess")
        : null;
    List<DeleteOutput> deletes = new ArrayList<>();
    List<String> untouched = new ArrayList<>();
    // First the learner's sessions; on AWS they still act until the deletion has propagated.
    if (given(in.learnerRoleName())) {
      deletes.add(roles.deleteOwned(in.learnerRoleName(), labId));
      deletes.add(policies.deleteOwned(entities.policyArn(in.learnerRoleName()), labId));
    }
    boolean profile = take(profileName, this::profile, labId, notBefore, untouched);
    boolean role = take(in.roleName(), this::role, labId, notBefore, untouched);
    boolean policy = take(in.policyName(), this::policy, labId, notBefore, untouched);
    if (profile && given(in.instanceId())) {
      deletes.add(instances.disassociate(in.instanceId(), profileName, labId));
    }
    if (role) {
      deletes.add(roles.deleteOwned(in.roleName(), labId));
    }
    if (profile) {
      deletes.add(profiles.deleteOwned(profileName, labId));
    }
    if (policy) {
      deletes.add(policies.deleteOwned(entities.policyArn(in.policyName()), labId));
    }
    if (given(in.boundaryPolicyName())) {
      deletes.add(policies.deleteOwned(entities.policyArn(in.boundaryPolicyName()), labId));
    }
    List<String> deleted =
        deletes.stream().filter(DeleteOutput::deleted).map(DeleteOutput::resource).toList();
    log.info("lab {}: learner access removed; deleted {}, left {}", labId, deleted, untouched);
    return new DeleteLearnerAccessOutput(deleted, untouched);
  }

  @Override
  public AdoptOutput adoptRole(AdoptRoleInput in) {
    return adopt("AdoptRole", in.labId(), in.notBefore(), in.ifExists(), "role", in.roleName(),
        this::role);
  }

  @Override
  public AdoptOutput adoptPolicy(AdoptPolicyInput in) {
    return adopt("AdoptPolicy", in.labId(), in.notBefore(), in.ifExists(), "policy",
        in.policyName(), this::policy);
  }

  @Override
  public AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput in) {
    return adopt("AdoptInstanceProfile", in.labId(), in.notBefore(), in.ifExists(),
        "instance profile", in.instanceProfileName(), this::profile);
  }

  /**
   * Tags the entity as the lab's when it is the learner's and untagged ({@code tagged=false} when
   * it already was the lab's); {@code NotOwned} when it is not the learner's. A missing entity is
   * {@code NotFound}, or nothing to do ({@code arn} null) when {@code ifExists}.
   */
  private AdoptOutput adopt(String action, String labId, String notBefore, Boolean ifExists,
      String kind, String name, Function<String, Optional<Entity>> find) {
    Instant after = notBefore(notBefore, action);
    Optional<Entity> found = find.apply(name);
    if (found.isEmpty() && Boolean.TRUE.equals(ifExists)) {
      return new AdoptOutput(null, false);
    }
    Entity e = found.orElseThrow(() -> AwsFailures.nonRetryable(
        kind + " " + name + " does not exist", FailureTypes.NOT_FOUND));
    return new AdoptOutput(e.arn(), claim(e, labId, after, why -> {
      throw AwsFailures.nonRetryable(why + "; labflow does not adopt it", FailureTypes.NOT_OWNED);
    }));
  }

  private Optional<Entity> role(String name) {
    return entities.role(name).map(r -> new Entity("role", name, r.arn(), r.createDate(),
        () -> entities.roleTags(name),
        tags -> entities.client().tagRole(b -> b.roleName(name).tags(tags))));
  }

  private Optional<Entity> policy(String name) {
    String arn = entities.policyArn(name);
    return entities.policy(arn).map(p -> new Entity("policy", name, arn, p.createDate(),
        () -> entities.policyTags(arn),
        tags -> entities.client().tagPolicy(b -> b.policyArn(arn).tags(tags))));
  }

  // GetInstanceProfile returns the tags (and moto lacks ListInstanceProfileTags).
  private Optional<Entity> profile(String name) {
    return entities.profile(name).map(p -> new Entity("instance profile", name, p.arn(),
        p.createDate(), p::tags,
        tags -> entities.client().tagInstanceProfile(b -> b.instanceProfileName(name).tags(tags))));
  }

  private static Instant notBefore(String notBefore, String action) {
    try {
      return Instant.parse(notBefore);
    } catch (DateTimeParseException e) {
      throw AwsFailures.invalidInput(action + ": input field 'notBefore' is not an ISO-8601"
          + " instant (such as 2026-12-05T02:00:00Z): " + notBefore);
    }
  }

  /**
   * Whether the entity of this name (none when no name is given) is the lab's to delete (tagged as
   * the lab's first when the learner left it untagged); when it is not, {@code untouched} gets why.
   */
  private boolean take(String name, Function<String, Optional<Entity>> find, String labId,
      Instant notBefore, List<String> untouched) {
    Optional<Entity> found = given(name) ? find.apply(name) : Optional.empty();
    return found.isPresent() && claim(found.get(), labId, notBefore, untouched::add) != null;
  }

  /** Whether an optional input field is given (blank is absent). */
  private static boolean given(String field) {
    return Inputs.orDefault(field, null) != null;
  }

  /**
   * Whether this call tagged the entity; null when it is not the learner's: not named for the lab,
   * carrying another lab's tag, or created before the lab ({@code refused} gets why).
   */
  private Boolean claim(Entity e, String labId, Instant notBefore, Consumer<String> refused) {
    List<Tag> tags = e.tags().get();
    if (IamEntities.owned(tags, labId)) {
      return false;
    }
    String prefix = LabIds.NAME_PREFIX + labId + "-";
    Optional<Tag> other = tags.stream().filter(t -> t.key().startsWith(Tags.KEY_PREFIX)).findFirst();
    // IAM gives creation times in whole seconds: a resource made in the lab's first second counts.
    String why = !e.name().startsWith(prefix)
        ? "is not named for lab " + labId + " (" + prefix + "...)"
        : other.isPresent() ? "carries the tag " + other.get().key() + "=" + other.get().value()
            + " of another lab (or namespace)"
        : e.created().isBefore(notBefore.truncatedTo(ChronoUnit.SECONDS))
            ? "was created at " + e.created() + ", before this lab started (" + notBefore + ")"
        : null;
    if (why != null) {
      refused.accept(e.what() + " " + why);
      return null;
    }
    e.tag().accept(IamEntities.tagsForCreate(labId));
    log.info("lab {}: adopted {}", labId, e.what());
    return true;
  }
}
