package io.labflow.activities.learner;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.iam.IamEntities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The one rule for what the learner made, which the lab may take as its own (tag it, then delete
 * it as it deletes what it created): a role, policy or instance profile named for the lab ({@code
 * labflow-<lab id>-...}), carrying no other lab's (or namespace's) {@code labflow:} tag, and
 * created at or after the lab's start. The adopt actions refuse anything else ({@code NotOwned});
 * DeleteLearnerAccess leaves it and says why.
 */
final class LearnerMade {

  private static final Logger log = LoggerFactory.getLogger(LearnerMade.class);

  /** One IAM entity as the rule reads it: {@code what} names it in sentences. */
  record Entity(String what, String name, String arn, Instant created,
      Supplier<List<Tag>> tags, Consumer<List<Tag>> tag) {}

  private final IamEntities entities;
  private final IamClient iam;
  private final String labId;
  private final Instant notBefore;

  LearnerMade(IamEntities entities, String labId, String notBefore, String action) {
    this.entities = entities;
    this.iam = entities.client();
    this.labId = labId;
    try {
      this.notBefore = Instant.parse(notBefore);
    } catch (DateTimeParseException e) {
      throw AwsFailures.invalidInput(action + ": input field 'notBefore' is not an ISO-8601"
          + " instant (such as 2026-12-05T02:00:00Z): " + notBefore);
    }
  }

  Optional<Entity> role(String name) {
    return entities.role(name).map(r -> new Entity("role " + name, name, r.arn(),
        r.createDate(), () -> entities.roleTags(name),
        tags -> iam.tagRole(b -> b.roleName(name).tags(tags))));
  }

  Optional<Entity> policy(String name) {
    String arn = entities.policyArn(name);
    return entities.policy(arn).map(p -> new Entity("policy " + name, name, arn,
        p.createDate(), () -> entities.policyTags(arn),
        tags -> iam.tagPolicy(b -> b.policyArn(arn).tags(tags))));
  }

  // GetInstanceProfile returns the tags (and moto lacks ListInstanceProfileTags).
  Optional<Entity> profile(String name) {
    return entities.profile(name).map(p -> new Entity("instance profile " + name, name,
        p.arn(), p.createDate(), p::tags,
        tags -> iam.tagInstanceProfile(b -> b.instanceProfileName(name).tags(tags))));
  }

  /**
   * Tags the entity as the lab's when it is the learner's and untagged: true when this call tagged
   * it, false when it already was the lab's; {@code NotOwned} when it is not the learner's.
   */
  boolean adopt(Entity e) {
    return claim(e, why -> {
      throw AwsFailures.nonRetryable(why + "; labflow does not adopt it", FailureTypes.NOT_OWNED);
    });
  }

  /**
   * Whether the entity is the lab's to delete (tagged as the lab's first when the learner left it
   * untagged); when it is not, {@code untouched} gets why.
   */
  boolean take(Optional<Entity> found, List<String> untouched) {
    return found.isPresent() && claim(found.get(), untouched::add) != null;
  }

  /** Whether this call tagged the entity; null when it is not the learner's ({@code refused}). */
  private Boolean claim(Entity e, Consumer<String> refused) {
    List<Tag> tags = e.tags().get();
    if (Tags.owned(tags, Tag::key, Tag::value, labId)) {
      return false;
    }
    String why = whyNot(tags, e.name(), e.created());
    if (why != null) {
      refused.accept(e.what() + " " + why);
      return null;
    }
    e.tag().accept(IamEntities.tagsForCreate(labId));
    log.info("lab {}: adopted {}", labId, e.what());
    return true;
  }

  /** Null when the entity, not the lab's yet, is the learner's; else why not. */
  private String whyNot(List<Tag> tags, String name, Instant created) {
    String prefix = LabIds.NAME_PREFIX + labId + "-";
    if (!name.startsWith(prefix)) {
      return "is not named for lab " + labId + " (" + prefix + "...)";
    }
    for (Tag t : tags) {
      if (t.key().startsWith("labflow:")) {
        return "carries the tag " + t.key() + "=" + t.value() + " of another lab (or namespace)";
      }
    }
    // IAM gives creation times in whole seconds: a resource made in the lab's first second counts.
    if (created.isBefore(notBefore.truncatedTo(ChronoUnit.SECONDS))) {
      return "was created at " + created + ", before this lab started (" + notBefore + ")";
    }
    return null;
  }
}
