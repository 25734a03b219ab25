package io.labflow.activities.iam.profiles;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.DeleteOutput;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Role;

public record InstanceProfileActivitiesImpl(IamEntities entities)
    implements InstanceProfileActivities {

  private static final Logger log = LoggerFactory.getLogger(InstanceProfileActivitiesImpl.class);

  private IamClient iam() {
    return entities.client();
  }

  @Override
  public InstanceProfileOutput createInstanceProfile(CreateInstanceProfileInput in) {
    String labId = in.labId();
    String name = in.instanceProfileName();
    String role = in.roleName();
    entities.requireRoleExistsAndOwned(role, labId);
    Optional<InstanceProfile> found = entities.profile(name);
    boolean created = found.isEmpty()
        && AwsErrors.doneUnless(() -> iam().createInstanceProfile(b -> b.instanceProfileName(name)
            .path(Inputs.orDefault(in.path(), "/")).tags(IamEntities.tagsForCreate(labId))),
            "EntityAlreadyExists");
    InstanceProfile p = (found.isPresent() ? found : entities.profile(name)).orElseThrow(() ->
        AwsFailures.retryable("instance profile " + name + " not visible yet",
            IamEntities.NO_SUCH_ENTITY));
    if (created) {
      log.info("lab {}: created instance profile {}", labId, name);
    } else {
      IamEntities.requireCreatedHere(p.tags(), "instance profile " + name, labId);
    }
    // A profile holds one role; an owned profile holding another gets ours instead.
    p.roles().stream().filter(r -> !r.roleName().equals(role)).forEach(r -> removeRole(name, r));
    if (p.roles().stream().noneMatch(r -> r.roleName().equals(role))) {
      iam().addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(role)
          .overrideConfiguration(AwsClients::sentOnce));
    }
    return new InstanceProfileOutput(name, p.arn(), role, !created);
  }

  @Override
  public DeleteOutput deleteInstanceProfile(DeleteInstanceProfileInput in) {
    return deleteOwned(in.instanceProfileName(), in.labId());
  }

  /** Deletes an instance profile carrying this lab's tag; shared with the lab inventory. */
  public DeleteOutput deleteOwned(String name, String labId) {
    Optional<InstanceProfile> existing = entities.profile(name);
    if (existing.isEmpty()) {
      return new DeleteOutput("instance-profile/" + name, false);
    }
    IamEntities.requireOwned(existing.get().tags(), "instance profile " + name, labId);
    existing.get().roles().forEach(r -> removeRole(name, r));
    boolean deleted = IamEntities.unlessMissing(
        () -> iam().deleteInstanceProfile(b -> b.instanceProfileName(name)));
    log.info("lab {}: deleted instance profile {}", labId, name);
    return new DeleteOutput("instance-profile/" + name, deleted);
  }

  private void removeRole(String profile, Role r) {
    IamEntities.unlessMissing(() -> iam().removeRoleFromInstanceProfile(
        b -> b.instanceProfileName(profile).roleName(r.roleName())));
  }
}
