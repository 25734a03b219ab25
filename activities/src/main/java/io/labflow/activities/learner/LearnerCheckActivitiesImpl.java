package io.labflow.activities.learner;

import static java.util.stream.Collectors.joining;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.verification.AccessVerificationActivities.AccessCheck;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * {@link LearnerCheckActivities} over the AWS SDK: reads only, each check first refusing a lab id
 * that is not the calling lab's ({@link Tags#owner}).
 */
public record LearnerCheckActivitiesImpl(IamEntities entities, Ec2ActivitiesImpl instances)
    implements LearnerCheckActivities {

  @Override
  public CheckOutput checkRoleTrust(CheckRoleTrustInput in) {
    Tags.owner(in.labId());
    String name = in.roleName();
    String service = in.servicePrincipal();
    if (!PolicyDocuments.isOneService(service)) {
      throw AwsFailures.invalidInput("CheckRoleTrust: input field 'servicePrincipal' must name one"
          + " AWS service, such as ec2.amazonaws.com, not " + service);
    }
    return withRole(name, r -> PolicyChecks.trust(
        PolicyDocuments.parse(r.assumeRolePolicyDocument()), name, service));
  }

  @Override
  public CheckOutput checkRoleBoundary(CheckRoleBoundaryInput in) {
    Tags.owner(in.labId());
    String name = in.roleName();
    String boundary = in.boundaryPolicyName();
    return withRole(name, r -> {
      if (r.permissionsBoundary() == null) {
        return CheckOutput.fail("role " + name + " has no permissions boundary; it must carry "
            + boundary + " as its boundary");
      }
      String arn = r.permissionsBoundary().permissionsBoundaryArn();
      if (!arn.endsWith("/" + boundary)) {
        return CheckOutput.fail(
            "the permissions boundary of role " + name + " is " + arn + ", not " + boundary);
      }
      return CheckOutput.pass("role " + name + " carries the permissions boundary " + boundary);
    });
  }

  @Override
  public CheckOutput checkPolicyScope(CheckPolicyScopeInput in) {
    Tags.owner(in.labId());
    String name = in.policyName();
    if (in.actions().isEmpty()) {
      throw AwsFailures.invalidInput("CheckPolicyScope: input field 'actions' is empty");
    }
    String arn = entities.policyArn(name);
    return entities.policy(arn).map(p -> PolicyChecks.scope(PolicyDocuments.parse(entities.client()
            .getPolicyVersion(b -> b.policyArn(arn).versionId(p.defaultVersionId()))
            .policyVersion().document()), name, in.bucketName(), in.actions()))
        .orElseGet(() -> CheckOutput.fail("policy " + name + " does not exist"));
  }

  @Override
  public CheckOutput checkPolicyAttached(CheckPolicyAttachedInput in) {
    Tags.owner(in.labId());
    String role = in.roleName();
    String policy = in.policyName();
    return withRole(role, r -> entities.client()
        .listAttachedRolePoliciesPaginator(b -> b.roleName(role))
        .attachedPolicies().stream().anyMatch(p -> policy.equals(p.policyName()))
        ? CheckOutput.pass("policy " + policy + " is attached to role " + role)
        : CheckOutput.fail("policy " + policy + " is not attached to role " + role));
  }

  @Override
  public CheckOutput checkInstanceProfile(CheckInstanceProfileInput in) {
    Tags.owner(in.labId());
    String name = in.instanceProfileName();
    String role = in.roleName();
    return entities.profile(name).map(p -> p.roles().stream().map(Role::roleName).toList())
        .map(roles -> roles.isEmpty()
            ? CheckOutput.fail("instance profile " + name + " holds no role; add role " + role)
            : !roles.contains(role) ? CheckOutput.fail("instance profile " + name + " holds role "
                + String.join(", ", roles) + ", not " + role)
            : CheckOutput.pass("instance profile " + name + " holds role " + role))
        .orElseGet(() -> CheckOutput.fail("instance profile " + name + " does not exist"));
  }

  @Override
  public CheckOutput checkProfileOnInstance(CheckProfileOnInstanceInput in) {
    Tags.owner(in.labId());
    String instance = in.instanceId();
    String name = in.instanceProfileName();
    return instances.association(instance)
        .map(a -> !a.iamInstanceProfile().arn().endsWith("/" + name)
            ? CheckOutput.fail("instance " + instance + " has instance profile " + a
                .iamInstanceProfile().arn().replaceAll(".*/", "") + ", not " + name)
            : entities.profile(name).filter(p -> Ec2ActivitiesImpl.holds(a, p)).isEmpty()
                ? CheckOutput.fail("instance " + instance + " still has the instance profile "
                    + name + " that was deleted (one made again under that name is another"
                    + " profile); replace the association with the current " + name
                    + " (aws ec2 replace-iam-instance-profile-association)")
            : CheckOutput.pass("instance " + instance + " has instance profile " + name))
        .orElseGet(() -> CheckOutput.fail(
            "instance " + instance + " has no instance profile; associate " + name + " with it"));
  }

  @Override
  public CheckOutput checkAccess(CheckAccessInput in) {
    String labId = Tags.owner(in.labId()).labId();
    String name = in.roleName();
    String bucket = in.bucketName();
    Map<String, Boolean> expected =
        AccessVerificationActivitiesImpl.expectations(in.allow(), in.deny(), "CheckAccess");
    // By default about AWS's usual propagation of an IAM change, with room.
    Duration budget = Duration.ofSeconds(in.budgetSeconds() == null ? 15 : in.budgetSeconds());
    return withRole(name, r -> {
      Optional<AccessCheck> wrong = AccessVerificationActivitiesImpl.untilMatching(
          "checking the access of role " + name + " while IAM propagates a change", budget,
          () -> AccessVerificationActivitiesImpl.simulate(
              entities.client(), r.arn(), bucket, labId, expected))
          .mismatch();
      if (wrong.isPresent()) {
        AccessCheck c = wrong.get();
        return CheckOutput.fail("role " + name + " is "
            + AccessVerificationActivitiesImpl.decision(c.allowed()) + " " + c.action() + " on "
            + c.resource() + "; it should be "
            + AccessVerificationActivitiesImpl.decision(c.expectedAllowed()));
      }
      String said = Stream.of(Map.entry("allowed ", in.allow()), Map.entry("denied ", in.deny()))
          .filter(e -> !e.getValue().isEmpty())
          .map(e -> e.getKey() + String.join(", ", e.getValue())).collect(joining(" and "));
      return CheckOutput.pass("role " + name + " is " + said
          + " on bucket " + bucket + ", as the task expects");
    });
  }

  /** The check of an existing role; a missing role fails it. */
  private CheckOutput withRole(String name, Function<Role, CheckOutput> check) {
    return entities.role(name).map(check)
        .orElseGet(() -> CheckOutput.fail("role " + name + " does not exist"));
  }
}
