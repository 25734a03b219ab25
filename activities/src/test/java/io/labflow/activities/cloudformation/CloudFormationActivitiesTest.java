package io.labflow.activities.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackInput;
import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackOutput;
import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.testing.Lab;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.model.Filter;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class CloudFormationActivitiesTest extends MotoLabTest {

  static final String LAB = "lab-cfn";
  static final String STACK = "labflow-lab-cfn";
  static final String BUCKET = "labflow-lab-cfn-bucket";


  @Test
  void labTemplateReachesCreateCompleteWithOutputsAndIsAdoptedOnRetry() {
    CreateStackOutput first = lab.cfn.createStack(labStack(LAB, STACK, BUCKET));
    assertThat(first.status()).isEqualTo("CREATE_COMPLETE");
    assertThat(first.bucketName()).isEqualTo(BUCKET);
    assertThat(first.instanceId()).startsWith("i-");
    assertThat(first.outputs()).containsKeys("BucketName", "InstanceId", "VpcId");
    assertThat(first.adopted()).isFalse();

    CreateStackOutput second = lab.cfn.createStack(labStack(LAB, STACK, BUCKET));
    assertThat(second.adopted()).isTrue();
    assertThat(second.stackId()).isEqualTo(first.stackId());
    assertThat(second.instanceId()).isEqualTo(first.instanceId());
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isEqualTo(1);

    // Everything the template makes carries the lab tag, so the inventory can find it.
    var tagged =
        lab.clients
            .ec2()
            .describeInstances(
                b -> b.filters(Filter.builder().name("tag:labflow:lab").values(LAB).build()))
            .reservations();
    assertThat(tagged).flatExtracting(r -> r.instances()).extracting(i -> i.instanceId())
        .containsExactly(first.instanceId());
    // Every ownership tag on the bucket too, though moto copies no stack tag to S3 (issue 17).
    assertThat(lab.clients.s3().getBucketTagging(b -> b.bucket(BUCKET)).tagSet())
        .extracting(t -> t.key() + "=" + t.value())
        .contains("labflow:lab=" + LAB, "labflow:namespace=" + Lab.NAMESPACE, "labflow:run=");
    assertThat(tagged).flatExtracting(r -> r.instances()).flatExtracting(i -> i.tags())
        .extracting(t -> t.key() + "=" + t.value())
        .contains("labflow:lab=" + LAB, "labflow:namespace=" + Lab.NAMESPACE);
    assertThat(
            lab.clients.cloudFormation().describeStacks(b -> b.stackName(STACK)).stacks().get(0).tags())
        .anyMatch(t -> t.key().equals("labflow:lab") && t.value().equals(LAB));
  }

  @Test
  void deleteStackEmptiesTheLabBucketRemovesTheStackAndIsIdempotent() {
    lab.cfn.createStack(labStack(LAB, STACK, BUCKET));
    lab.clients
        .s3()
        .putObject(b -> b.bucket(BUCKET).key("user-data.txt"), RequestBody.fromString("x"));
    java.util.List<String> beats = lab.recordHeartbeats();

    assertThat(lab.cfn.deleteStack(new DeleteStackInput(LAB, STACK)).deleted()).isTrue();
    // It heartbeats before emptying the bucket (later beats within the SDK's heartbeat throttle
    // interval are coalesced; moto deletes at once, so the waiter never polls here).
    assertThat(beats).first().isEqualTo("emptying bucket " + BUCKET);
    assertThat(lab.cfn.deleteStack(new DeleteStackInput(LAB, STACK)).deleted()).isFalse();
    assertThat(lab.calls.count("CloudFormation", "DeleteStack")).isEqualTo(1);
    assertThat(
            lab.clients.cloudFormation().listStacks().stackSummaries().stream()
                .filter(s -> s.stackName().equals(STACK))
                .map(s -> s.stackStatus()))
        .containsOnly(StackStatus.DELETE_COMPLETE);
    assertThat(lab.clients.s3().listBuckets().buckets()).noneMatch(b -> b.name().equals(BUCKET));
  }

  @Test
  void stackWithoutTheLabTagIsNeitherAdoptedNorDeleted() {
    String template =
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: foreign-bucket\n";
    lab.clients.cloudFormation().createStack(b -> b.stackName(STACK).templateBody(template));
    assertFailure(() -> lab.cfn.createStack(labStack(LAB, STACK, BUCKET)), "NotOwned");
    assertFailure(() -> lab.cfn.deleteStack(new DeleteStackInput(LAB, STACK)), "NotOwned");
    // Another lab's stack is just as foreign.
    lab.cfn.createStack(labStack("lab-other", "labflow-lab-other", "labflow-lab-other-bucket"));
    assertFailure(
        () -> lab.cfn.deleteStack(new DeleteStackInput(LAB, "labflow-lab-other")), "NotOwned");
    assertThat(lab.calls.count("CloudFormation", "DeleteStack")).isZero();
    assertThat(
            lab.clients.cloudFormation().describeStacks(b -> b.stackName(STACK)).stacks().get(0)
                .stackStatus())
        .isEqualTo(StackStatus.CREATE_COMPLETE);
    assertThat(lab.clients.s3().listBuckets().buckets()).extracting(b -> b.name())
        .contains("foreign-bucket", "labflow-lab-other-bucket");
  }

  @Test
  void aStepCannotSetTheOwnershipParametersToAnythingElse() {
    var failure = failureOf(() -> lab.cfn.createStack(new CreateStackInput(LAB, STACK,
        "templates/lab-environment.yaml",
        Map.of("LabId", LAB, "LabNamespace", "elsewhere", "BucketName", BUCKET), null, null)),
        "InvalidInput");
    assertThat(failure.getOriginalMessage()).isEqualTo("CreateStack: parameters.LabNamespace is"
        + " 'elsewhere', but labflow sets it itself to '" + Lab.NAMESPACE + "' (the ownership tags"
        + " come from where the step runs, not from its input)");
    assertFailure(() -> lab.cfn.createStack(new CreateStackInput(LAB, STACK,
        "templates/lab-environment.yaml", Map.of("LabId", "lab-other", "BucketName", BUCKET), null,
        null)), "InvalidInput");
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
  }

  /**
   * CloudFormation refuses a parameter its template does not declare and one without a Default
   * left unset, and so does the local stack: before, moto created the stack with an undeclared
   * parameter, so a step passing here failed on AWS.
   */
  @Test
  void parametersTheTemplateDoesNotMatchAreRefusedAsCloudFormationDoes() {
    var failure = failureOf(() -> lab.cfn.createStack(new CreateStackInput(LAB, STACK,
        "templates/lab-environment.yaml", Map.of("BucketName", BUCKET, "Nope", "x"), null, null)),
        "ValidationError");
    assertThat(failure.getOriginalMessage()).contains(
        "Parameters: [Nope] do not exist in the template");
    var cfn = lab.clients.cloudFormation();
    assertThat(catchThrowableOfType(CloudFormationException.class, () -> cfn.createStack(b -> b
            .stackName(STACK).templateBody(Lab.TOPIC_TEMPLATE).parameters(Parameter.builder()
                .parameterKey("LabId").parameterValue(LAB).build())))
        .awsErrorDetails().errorMessage())
        .isEqualTo("Parameters: [LabNamespace, LabRun, BucketName] must have values");
    assertThat(catchThrowableOfType(CloudFormationException.class, () -> cfn.createStack(b -> b
            .stackName(STACK).templateBody("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n")
            .parameters(Parameter.builder().parameterKey("LabId").parameterValue(LAB).build())))
        .awsErrorDetails().errorMessage())
        .isEqualTo("Parameter values specified for a template which does not require them.");
    assertThat(cfn.listStacks().stackSummaries()).noneMatch(s -> s.stackName().equals(STACK));
  }

  @Test
  void templateOutsideTheDefinitionsDirectoryIsRefused() {
    assertFailure(
        () ->
            lab.cfn.createStack(
                new CreateStackInput(LAB, STACK, "../pom.xml", Map.of(), null, null)),
        "InvalidInput");
    assertFailure(
        () ->
            lab.cfn.createStack(
                new CreateStackInput(LAB, STACK, "templates/missing.yaml", Map.of(), null, null)),
        "InvalidInput");
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
  }
}
