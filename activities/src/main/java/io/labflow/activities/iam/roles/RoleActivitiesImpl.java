package io.labflow.activities.iam.roles;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Inputs;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.workflows.lab.FailureTypes;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateRoleRequest;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Role;

public record RoleActivitiesImpl(IamEntities entities) implements RoleActivities {

  private static final Logger log = LoggerFactory.getLogger(RoleActivitiesImpl.class);
  public static final String DEFAULT_SERVICE_PRINCIPAL = "ec2.amazonaws.com";

  private IamClient iam() {
    return entities.client();
  }

  @Override
  public RoleOutput createRole(CreateRoleInput in) {
    String trust = PolicyDocuments.trustPolicy(Inputs.orDefault(in.servicePrincipal(),
        DEFAULT_SERVICE_PRINCIPAL), in.trustedPrincipalArn());
    return ensure(in.labId(), in.roleName(), trust, b -> b.path(Inputs.orDefault(in.path(), "/"))
        .description(in.description())
        .permissionsBoundary(Inputs.orDefault(in.permissionsBoundaryArn(), null)));
  }

  /**
   * Creates the role, tagged for the lab, with this trust policy and {@code settings}; or adopts
   * the one this lab run created (a retry), setting its trust policy again if it differs. The one
   * create of a role: CreateRole's and CreateLearnerAccess's.
   */
  public RoleOutput ensure(String labId, String name, String trust,
      Consumer<CreateRoleRequest.Builder> settings) {
    Optional<Role> existing = entities.role(name);
    if (existing.isEmpty()) {
      Optional<Role> created = AwsErrors.emptyOn(() -> iam().createRole(b -> settings.accept(
          b.roleName(name).assumeRolePolicyDocument(trust).tags(IamEntities.tagsForCreate(labId))))
          .role(), "EntityAlreadyExists");
      if (created.isPresent()) {
        log.info("lab {}: created role {}", labId, name);
        return new RoleOutput(created.get().roleName(), created.get().arn(), false);
      }
      // A concurrent attempt won the race: decide again from the role's tags.
      existing = entities.role(name);
    }
    Role r = existing.orElseThrow(() -> AwsFailures.retryable(
        "role " + name + " already exists but cannot be read (yet)", IamEntities.NO_SUCH_ENTITY));
    IamEntities.requireCreatedHere(entities.roleTags(name), "role " + name, labId);
    if (r.assumeRolePolicyDocument() == null
        || !PolicyDocuments.sameDocument(r.assumeRolePolicyDocument(), trust)) {
      iam().updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(trust));
      log.info("lab {}: adopted role {} and updated its trust policy", labId, name);
    }
    return new RoleOutput(r.roleName(), r.arn(), true);
  }

  @Override
  public DeleteOutput deleteRole(DeleteRoleInput in) {
    return deleteOwned(in.roleName(), in.labId());
  }

  /** Deletes a role carrying this lab's tag; shared with the lab inventory. */
  public DeleteOutput deleteOwned(String name, String labId) {
    if (entities.role(name).isEmpty()) {
      return new DeleteOutput("role/" + name, false);
    }
    IamEntities.requireOwned(entities.roleTags(name), "role " + name, labId);
    // Check every instance profile before changing anything, so a refusal touches nothing.
    List<InstanceProfile> profiles = iam().listInstanceProfilesForRolePaginator(
        b -> b.roleName(name)).instanceProfiles().stream().toList();
    for (InstanceProfile p : profiles) {
      if (!entities.profile(p.instanceProfileName())
          .map(found -> IamEntities.owned(found.tags(), labId)).orElse(false)) {
        throw AwsFailures.nonRetryable("role " + name + " is in instance profile "
            + p.instanceProfileName() + ", which is not tagged for lab " + labId
            + " in this namespace; labflow will not change it", FailureTypes.DELETE_CONFLICT);
      }
    }
    iam().listAttachedRolePoliciesPaginator(b -> b.roleName(name)).attachedPolicies()
        .forEach(p -> IamEntities.unlessMissing(
            () -> iam().detachRolePolicy(b -> b.roleName(name).policyArn(p.policyArn()))));
    iam().listRolePoliciesPaginator(b -> b.roleName(name)).policyNames()
        .forEach(inline -> IamEntities.unlessMissing(
            () -> iam().deleteRolePolicy(b -> b.roleName(name).policyName(inline))));
    profiles.forEach(p -> IamEntities.unlessMissing(() -> iam().removeRoleFromInstanceProfile(
        b -> b.roleName(name).instanceProfileName(p.instanceProfileName()))));
    boolean deleted = IamEntities.unlessMissing(() -> iam().deleteRole(b -> b.roleName(name)));
    log.info("lab {}: deleted role {}", labId, name);
    return new DeleteOutput("role/" + name, deleted);
  }
}
