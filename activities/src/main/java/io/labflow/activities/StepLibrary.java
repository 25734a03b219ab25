package io.labflow.activities;

import io.labflow.activities.cloudformation.CloudFormationActivities;
import io.labflow.activities.cloudformation.CloudFormationActivitiesImpl;
import io.labflow.activities.cloudformation.StackWaits;
import io.labflow.activities.cloudformation.Stacks;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.ec2.Ec2Activities;
import io.labflow.activities.ec2.Ec2ActivitiesImpl;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.policies.PolicyActivities;
import io.labflow.activities.iam.policies.PolicyActivitiesImpl;
import io.labflow.activities.iam.profiles.InstanceProfileActivities;
import io.labflow.activities.iam.profiles.InstanceProfileActivitiesImpl;
import io.labflow.activities.iam.roles.RoleActivities;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.inventory.LabInventoryActivitiesImpl;
import io.labflow.activities.learner.LearnerAccessActivities;
import io.labflow.activities.learner.LearnerAccessActivitiesImpl;
import io.labflow.activities.learner.LearnerCheckActivities;
import io.labflow.activities.learner.LearnerCheckActivitiesImpl;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.activities.verification.AccessVerificationActivities;
import io.labflow.activities.verification.AccessVerificationActivitiesImpl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The step library: the activity interfaces whose activity types are the actions of step files,
 * and their implementations built over one worker's {@link AwsClients}.
 *
 * <p>A worker registers {@link #implementations} and builds its action catalog from {@link
 * #activityInterfaces}.
 */
public final class StepLibrary {

  private StepLibrary() {}

  public static List<Class<?>> activityInterfaces() {
    return List.of(
        CloudFormationActivities.class,
        RoleActivities.class,
        PolicyActivities.class,
        InstanceProfileActivities.class,
        Ec2Activities.class,
        AccessVerificationActivities.class,
        LabInventoryActivities.class,
        LearnerCheckActivities.class,
        LearnerAccessActivities.class);
  }

  /**
   * One implementation of each interface, sharing the clients, each behind the {@link
   * AwsFailures#around boundary} that maps the AWS errors it throws.
   *
   * @param clients the worker's clients (built once per worker, closed by the worker)
   * @param definitionsDir the directory CloudFormation template paths are relative to
   */
  public static List<Object> implementations(AwsClients clients, Path definitionsDir) {
    return implementations(clients, definitionsDir, StackWaits.defaults());
  }

  /** The same with these CloudFormation waits (tests shorten them). */
  public static List<Object> implementations(
      AwsClients clients, Path definitionsDir, StackWaits waits) {
    IamEntities iam = new IamEntities(clients);
    RoleActivitiesImpl roles = new RoleActivitiesImpl(iam);
    PolicyActivitiesImpl policies = new PolicyActivitiesImpl(iam);
    InstanceProfileActivitiesImpl profiles = new InstanceProfileActivitiesImpl(iam);
    CloudFormationActivitiesImpl stacks = new CloudFormationActivitiesImpl(
        new Stacks(clients.cloudFormation()), new S3Buckets(clients.s3()), definitionsDir, waits);
    Ec2ActivitiesImpl instances = new Ec2ActivitiesImpl(new Ec2Walk(clients.ec2()), iam);
    LabInventoryActivitiesImpl inventory = new LabInventoryActivitiesImpl(clients, iam, Map.of(
        ResourceKind.ASSOCIATIONS,
        (instance, labId) -> instances.disassociate(instance, null, labId),
        ResourceKind.INSTANCE_PROFILES, profiles::deleteOwned,
        ResourceKind.ROLES, roles::deleteOwned,
        ResourceKind.POLICIES, policies::deleteOwned,
        ResourceKind.STACKS, stacks::deleteOwned));
    return List.of(
            stacks, roles, policies, profiles, instances,
            new AccessVerificationActivitiesImpl(clients), inventory,
            new LearnerCheckActivitiesImpl(iam, instances),
            new LearnerAccessActivitiesImpl(iam, roles, policies, profiles, instances))
        .stream()
        .map(AwsFailures::around)
        .toList();
  }
}
