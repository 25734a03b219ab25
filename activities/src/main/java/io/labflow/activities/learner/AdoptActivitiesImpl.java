package io.labflow.activities.learner;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.common.Tags;
import io.labflow.activities.iam.IamEntities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/** {@link AdoptActivities} over the AWS SDK. */
public final class AdoptActivitiesImpl implements AdoptActivities {

  private static final Logger log = LoggerFactory.getLogger(AdoptActivitiesImpl.class);

  private final IamEntities entities;
  private final IamClient iam;

  /** Over the IAM lookups the IAM steps share. */
  public AdoptActivitiesImpl(IamEntities entities) {
    this.entities = entities;
    this.iam = entities.client();
  }

  @Override
  public AdoptOutput adoptRole(AdoptRoleInput in) {
    String labId = Inputs.require(in.labId(), "labId", "AdoptRole");
    String name = Inputs.require(in.roleName(), "roleName", "AdoptRole");
    Instant notBefore = notBefore(in.notBefore(), "AdoptRole");
    String what = labNamed("role", name, labId);
    Role r = entities.role(name).orElseThrow(() -> notFound(what));
    boolean tag = mayTag(what, entities.roleTags(name), r.createDate(), notBefore, labId);
    if (tag) {
      iam.tagRole(b -> b.roleName(name).tags(IamEntities.tagsForCreate(labId)));
      log.info("lab {}: adopted {}", labId, what);
    }
    return new AdoptOutput(r.arn(), tag);
  }

  @Override
  public AdoptOutput adoptPolicy(AdoptPolicyInput in) {
    String labId = Inputs.require(in.labId(), "labId", "AdoptPolicy");
    String name = Inputs.require(in.policyName(), "policyName", "AdoptPolicy");
    Instant notBefore = notBefore(in.notBefore(), "AdoptPolicy");
    String what = labNamed("policy", name, labId);
    String arn = entities.policyArn(name);
    Policy p = entities.policy(arn).orElseThrow(() -> notFound(what));
    boolean tag = mayTag(what, entities.policyTags(arn), p.createDate(), notBefore, labId);
    if (tag) {
      iam.tagPolicy(b -> b.policyArn(arn).tags(IamEntities.tagsForCreate(labId)));
      log.info("lab {}: adopted {}", labId, what);
    }
    return new AdoptOutput(arn, tag);
  }

  @Override
  public AdoptOutput adoptInstanceProfile(AdoptInstanceProfileInput in) {
    String labId = Inputs.require(in.labId(), "labId", "AdoptInstanceProfile");
    String name =
        Inputs.require(in.instanceProfileName(), "instanceProfileName", "AdoptInstanceProfile");
    Instant notBefore = notBefore(in.notBefore(), "AdoptInstanceProfile");
    String what = labNamed("instance profile", name, labId);
    InstanceProfile p = entities.profile(name).orElseThrow(() -> notFound(what));
    boolean tag = mayTag(what, p.tags(), p.createDate(), notBefore, labId);
    if (tag) {
      iam.tagInstanceProfile(
          b -> b.instanceProfileName(name).tags(IamEntities.tagsForCreate(labId)));
      log.info("lab {}: adopted {}", labId, what);
    }
    return new AdoptOutput(p.arn(), tag);
  }

  /**
   * The adoption rule: false when the resource is already the lab's (nothing to do), true when it
   * may be tagged as the lab's; {@code NotOwned} when it carries another lab's tags or was created
   * before the lab started.
   */
  private static boolean mayTag(
      String what, List<Tag> tags, Instant created, Instant notBefore, String labId) {
    if (Tags.owned(tags, Tag::key, Tag::value, labId)) {
      return false;
    }
    for (Tag t : tags) {
      if (t.key().startsWith("labflow:")) {
        throw AwsFailures.nonRetryable(what + " carries the tag " + t.key() + "=" + t.value()
            + " of another lab (or namespace); labflow does not adopt it", FailureTypes.NOT_OWNED);
      }
    }
    // IAM gives creation times in whole seconds: a resource made in the lab's first second counts.
    if (created.isBefore(notBefore.truncatedTo(ChronoUnit.SECONDS))) {
      throw AwsFailures.nonRetryable(what + " was created at " + created
          + ", before this lab started (" + notBefore + "); labflow does not adopt it",
          FailureTypes.NOT_OWNED);
    }
    return true;
  }

  /** {@code what} for messages; {@code NotOwned} unless the name is the lab's. */
  private static String labNamed(String kind, String name, String labId) {
    String prefix = LabIds.NAME_PREFIX + labId + "-";
    if (!name.startsWith(prefix)) {
      throw AwsFailures.nonRetryable(kind + " " + name + " is not named for lab " + labId + " ("
          + prefix + "...); labflow does not adopt it", FailureTypes.NOT_OWNED);
    }
    return kind + " " + name;
  }

  private static Instant notBefore(String value, String action) {
    String v = Inputs.require(value, "notBefore", action);
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw AwsFailures.invalidInput(action + ": input field 'notBefore' is not an ISO-8601"
          + " instant such as 2026-12-05T02:00:00Z: " + v);
    }
  }

  private static RuntimeException notFound(String what) {
    return AwsFailures.nonRetryable(what + " does not exist", FailureTypes.NOT_FOUND);
  }
}
