package io.labflow.activities.ec2;

import static io.labflow.activities.model.ResourceKind.INSTANCES;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.workflows.definition.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.iam.model.InstanceProfile;

public record Ec2ActivitiesImpl(Ec2Walk walk, IamEntities entities) implements Ec2Activities {

  private static final Logger log = LoggerFactory.getLogger(Ec2ActivitiesImpl.class);

  /** How long "Invalid IAM Instance Profile" is retried in one attempt. */
  private static final Duration PROPAGATION_BUDGET = Duration.ofMinutes(2);

  @Override
  public AssociationOutput associateInstanceProfile(AssociateInstanceProfileInput in) {
    String labId = in.labId();
    String instanceId = in.instanceId();
    String profile = in.instanceProfileName();
    if (!ownedInstance(instanceId, labId)) {
      // EC2's read-after-write consistency is eventual, so absence may be momentary; the step's
      // retry policy bounds how long it is believed.
      throw AwsFailures.retryable(
          "instance " + instanceId + " does not exist (or is terminated)",
          "InvalidInstanceID.NotFound");
    }
    InstanceProfile wanted = entities.profile(profile).orElseThrow(() ->
        AwsFailures.retryable("instance profile " + profile + " does not exist (yet)",
            IamEntities.NO_SUCH_ENTITY));
    String[] change = {"unchanged"};
    IamInstanceProfileAssociation result = Waiting.untilPresent(
        "associating " + profile + " with " + instanceId, PROPAGATION_BUDGET, () -> {
          // Look again on every attempt: an earlier attempt whose response was lost may already
          // have done the work.
          Optional<IamInstanceProfileAssociation> current = association(instanceId);
          if (current.isPresent() && holds(current.get(), wanted)) {
            return current.get();
          }
          change[0] = current.isPresent() ? "replaced" : "associated";
          Optional<IamInstanceProfileAssociation> done = AwsErrors.emptyWhen(
              () -> associate(instanceId, current, profile), AwsFailures::isProfilePropagation);
          if (done.isEmpty()) {
            log.info("lab {}: profile {} not yet visible to EC2", labId, profile);
          }
          return done.orElse(null);
        });
    if (result == null) {
      // Still not propagated after the budget: a retryable failure lets Temporal try again.
      throw AwsFailures.retryable(
          "instance profile " + profile + " still not usable by EC2 on " + instanceId + " after "
              + Durations.format(PROPAGATION_BUDGET) + " (its bound); Temporal retries the step",
          "InvalidParameterValue");
    }
    log.info("lab {}: {} {} on {}", labId, change[0], profile, instanceId);
    return new AssociationOutput(instanceId, wanted.arn(), result.associationId(), change[0]);
  }

  /** Sent once: neither call is idempotent, so each attempt reads the association first. */
  private IamInstanceProfileAssociation associate(
      String instanceId, Optional<IamInstanceProfileAssociation> current, String profile) {
    return current.isPresent()
        ? walk.ec2().replaceIamInstanceProfileAssociation(b -> b.associationId(
            current.get().associationId()).iamInstanceProfile(p -> p.name(profile))
            .overrideConfiguration(AwsClients::sentOnce)).iamInstanceProfileAssociation()
        : walk.ec2().associateIamInstanceProfile(b -> b.instanceId(instanceId)
            .iamInstanceProfile(p -> p.name(profile)).overrideConfiguration(AwsClients::sentOnce))
            .iamInstanceProfileAssociation();
  }

  @Override
  public DeleteOutput disassociateInstanceProfile(DisassociateInstanceProfileInput in) {
    return disassociate(in.instanceId(), in.instanceProfileName(), in.labId());
  }

  /** Removes the instance's association (only that profile's when named); shared with inventory. */
  public DeleteOutput disassociate(String instanceId, String profileName, String labId) {
    String resource = "association/" + instanceId;
    Optional<IamInstanceProfileAssociation> current =
        ownedInstance(instanceId, labId) ? association(instanceId) : Optional.empty();
    if (current.isEmpty()) {
      return new DeleteOutput(resource, false);
    }
    if (profileName != null
        && !current.get().iamInstanceProfile().arn().endsWith("/" + profileName)) {
      log.info("lab {}: {} holds {}, not {}; left as is",
          labId, instanceId, current.get().iamInstanceProfile().arn(), profileName);
      return new DeleteOutput(resource, false);
    }
    if (!AwsErrors.doneUnless(() -> walk.ec2().disassociateIamInstanceProfile(
        b -> b.associationId(current.get().associationId())), "InvalidAssociationID.NotFound")) {
      return new DeleteOutput(resource, false);
    }
    log.info("lab {}: disassociated profile from {}", labId, instanceId);
    return new DeleteOutput(resource, true);
  }

  /**
   * Whether the association holds this profile: by id too, since a profile deleted and made again
   * under its name is another profile, and an instance holding the deleted one has no credentials.
   */
  public static boolean holds(IamInstanceProfileAssociation association, InstanceProfile profile) {
    return profile.arn().equals(association.iamInstanceProfile().arn())
        && profile.instanceProfileId().equals(association.iamInstanceProfile().id());
  }

  /** The instance's current (associated or associating) instance profile association. */
  public Optional<IamInstanceProfileAssociation> association(String instanceId) {
    return walk.associations(Ec2Walk.filter("instance-id", instanceId)).stream().findFirst();
  }

  /**
   * Whether the instance exists and is not terminated.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code NotOwned} when it is not the lab's
   */
  private boolean ownedInstance(String instanceId, String labId) {
    List<Ec2Walk.Found> found = walk.list(INSTANCES, Ec2Walk.filter("instance-id", instanceId));
    if (!found.isEmpty() && !found.get(0).ours(labId)) {
      throw AwsFailures.notOwned("instance " + instanceId, labId);
    }
    return !found.isEmpty();
  }
}
