package io.labflow.activities;

import java.nio.file.Path;
import java.util.List;

/**
 * The step library: the activity interfaces whose activity types are the actions of step files,
 * and their implementations built over one worker's {@link AwsClients}.
 *
 * <p>A worker registers {@link #implementations} and builds its action catalog from {@link
 * #activityInterfaces}.
 */
public final class StepLibrary {

  private StepLibrary() {}

  /** Every activity interface of the step library. */
  public static List<Class<?>> activityInterfaces() {
    return List.of(
        CloudFormationActivities.class,
        IamActivities.class,
        Ec2Activities.class,
        AccessVerificationActivities.class,
        LabInventoryActivities.class);
  }

  /**
   * One implementation of each interface, sharing the clients.
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
    IamActivitiesImpl iam = new IamActivitiesImpl(clients);
    CloudFormationActivitiesImpl cfn =
        new CloudFormationActivitiesImpl(clients, definitionsDir, waits);
    Ec2ActivitiesImpl ec2 = new Ec2ActivitiesImpl(clients);
    return List.of(
        cfn,
        iam,
        ec2,
        new AccessVerificationActivitiesImpl(clients),
        new LabInventoryActivitiesImpl(clients, iam, cfn, ec2));
  }
}
