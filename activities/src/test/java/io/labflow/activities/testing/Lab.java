package io.labflow.activities.testing;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.cloudformation.CloudFormationActivities;
import io.labflow.activities.cloudformation.StackWaits;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.ec2.Ec2Activities;
import io.labflow.activities.iam.IamActivities;
import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.verification.AccessVerificationActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;

/**
 * A step library wired to moto, called through Temporal's {@link TestActivityEnvironment} so the
 * inputs and outputs go through the real data converter and heartbeats work.
 */
public final class Lab implements AutoCloseable {

  /**
   * The namespace {@link TestActivityEnvironment}'s activities run in: their creates tag it, and a
   * resource made by hand for a lab carries it too, or it is no namespace's lab.
   */
  public static final String NAMESPACE = "default";

  public final CallCounter calls = new CallCounter();
  public final AwsClients clients;
  private final TestActivityEnvironment env;
  private final ActivityOptions options;
  public final CloudFormationActivities cfn;
  public final IamActivities iam;
  public final Ec2Activities ec2;
  public final AccessVerificationActivities access;
  public final LabInventoryActivities inventory;

  /** Clients from the SDK's standard configuration as currently set by {@link MotoServer}. */
  public Lab() {
    this(List.of());
  }

  /** The same, with more interceptors on the clients (fault injection). */
  public Lab(List<ExecutionInterceptor> extra) {
    this(extra, StackWaits.defaults());
  }

  /** The same, with these CloudFormation waits. */
  public Lab(List<ExecutionInterceptor> extra, StackWaits waits) {
    List<ExecutionInterceptor> all = new java.util.ArrayList<>(extra);
    all.add(calls);
    clients = AwsClients.fromEnvironment(all);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        StepLibrary.implementations(clients, definitionsDir(), waits).toArray());
    options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(3))
            .setHeartbeatTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    cfn = stub(CloudFormationActivities.class);
    iam = stub(IamActivities.class);
    ec2 = stub(Ec2Activities.class);
    access = stub(AccessVerificationActivities.class);
    inventory = stub(LabInventoryActivities.class);
  }

  /** A stub of any other actions of the step library, called like the ones above. */
  public <T> T stub(Class<T> actions) {
    return env.newActivityStub(actions, options);
  }

  /** Collects the details of every heartbeat the activities record. */
  public List<String> recordHeartbeats() {
    return recordHeartbeats(String.class);
  }

  /** The same, for details of this type (what an activity carries to its next attempt). */
  public <T> List<T> recordHeartbeats(Class<T> type) {
    List<T> beats = new java.util.concurrent.CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(type, beats::add);
    return beats;
  }

  /** The details of the last heartbeat of the previous attempt, as the next call reads them. */
  public void previousAttemptHeartbeat(Object details) {
    env.setHeartbeatDetails(details);
  }

  /**
   * An S3 client of eu-west-1 at the emulator (the SDK's standard configuration, path-style as the
   * local stack's clients), with {@code bucket} made there: a bucket of another Region than the
   * labs'. The caller closes it.
   */
  public static S3Client s3WithBucketInIreland(String bucket) {
    S3Client eu = S3Client.builder().region(Region.EU_WEST_1).forcePathStyle(true).build();
    eu.createBucket(b -> b.bucket(bucket).createBucketConfiguration(
        c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1)));
    return eu;
  }

  public static Path definitionsDir() {
    return Tools.repoRoot().resolve("definitions");
  }

  /**
   * Makes {@code dir} a definitions directory holding {@code param-template.yaml}, one stack step
   * whose template a parameter names ({@code templates/${params.template}}), and the shipped lab's
   * VPC template as {@code templates/env.yaml}; returns the definition's path.
   */
  public static Path parameterisedTemplateDefinition(Path dir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir.resolve("templates"));
    java.nio.file.Files.copy(definitionsDir().resolve("templates/lab-environment.yaml"),
        dir.resolve("templates/env.yaml"));
    return java.nio.file.Files.writeString(dir.resolve("param-template.yaml"), """
        name: param-template
        parameters:
          template: {type: string}
        steps:
          - id: stack
            action: CreateStack
            with: {labId: "${lab.labId}", stackName: "labflow-${lab.labId}",
              templateFile: "templates/${params.template}",
              parameters: {BucketName: "labflow-${lab.labId}-bucket"}}
        """);
  }

  /**
   * An SNS topic (nothing a quota counts) declaring the parameters the stack step of {@link
   * #parameterisedTemplateDefinition} passes, as CloudFormation requires.
   */
  public static final String TOPIC_TEMPLATE = """
      Parameters:
        LabId: {Type: String}
        LabNamespace: {Type: String}
        LabRun: {Type: String}
        BucketName: {Type: String}
      Resources:
        Topic: {Type: AWS::SNS::Topic}
      """;

  /**
   * As {@link #parameterisedTemplateDefinition}, plus {@code param-default.yaml}, whose template
   * parameter defaults to {@code topic.yaml} ({@link #TOPIC_TEMPLATE}); returns its path.
   */
  public static Path defaultedTemplateDefinition(Path dir) throws java.io.IOException {
    String text = java.nio.file.Files.readString(parameterisedTemplateDefinition(dir));
    java.nio.file.Files.writeString(dir.resolve("templates/topic.yaml"), TOPIC_TEMPLATE);
    return java.nio.file.Files.writeString(dir.resolve("param-default.yaml"), text
        .replace("name: param-template", "name: param-default")
        .replace("template: {type: string}", "template: {type: string, default: topic.yaml}"));
  }

  /**
   * As {@link #parameterisedTemplateDefinition}, plus {@code per-lab.yaml}, whose stack's template
   * is named by the lab id ({@code templates/<lab id>.yaml}); returns its path.
   */
  public static Path perLabTemplateDefinition(Path dir) throws java.io.IOException {
    String text = java.nio.file.Files.readString(parameterisedTemplateDefinition(dir));
    return java.nio.file.Files.writeString(dir.resolve("per-lab.yaml"), text
        .replace("name: param-template", "name: per-lab")
        .replace("templates/${params.template}", "templates/${lab.labId}.yaml"));
  }

  @Override
  public void close() {
    env.close();
    clients.close();
  }
}
