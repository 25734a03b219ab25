package io.labflow.activities.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.model.LabInput;
import io.temporal.failure.ApplicationFailure;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketTaggingRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A look-alike bucket: a bucket named as the lab's stack would name its bucket, made by someone
 * else and not tagged for the lab. CreateStack refuses it before asking CloudFormation for the
 * stack, with one sentence naming the bucket; the undo finds no stack, and the bucket stays as it
 * was.
 */
@Tag("moto")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LookAlikeBucketTest extends MotoLabTest {

  @Test
  void aBucketOfTheStacksNameThatIsNotTheLabsIsRefusedBeforeTheStack() {
    lab.clients.s3().createBucket(b -> b.bucket("labflow-lab-look"));

    ApplicationFailure f = failureOf(
        () -> lab.cfn.createStack(labStack("lab-look", "labflow-lab-look", "labflow-lab-look")),
        "NotOwned");
    DeleteOutput undo = lab.cfn.deleteStack(new DeleteStackInput("lab-look", "labflow-lab-look"));

    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).isEqualTo("bucket labflow-lab-look already exists and is not"
        + " labflow's (it is another AWS account's, in another Region, or not tagged"
        + " labflow:lab=lab-look), so stack labflow-lab-look cannot create it and was not started;"
        + " labflow leaves the bucket untouched: choose another bucket name (stack parameter"
        + " BucketName)");
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
    assertThat(undo.deleted()).isFalse();
    assertThat(lab.inventory.listLabResources(new LabInput("lab-look")).noneTagged()).isTrue();
    assertThat(lab.clients.s3().listBuckets().buckets()).extracting(b -> b.name())
        .containsExactly("labflow-lab-look");
    assertThat(catchThrowable(() -> lab.clients.s3().getBucketTagging(b -> b.bucket("labflow-lab-look"))))
        .as("the bucket is still untagged")
        .isInstanceOfSatisfying(S3Exception.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchTagSet"));
  }

  @Test
  void theLabsOwnBucketNameAndAFreeNameAreNotRefused() {
    assertThat(TemplateFacts.values(
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                + "      BucketName: !Ref BucketName\n  Other:\n    Type: \"AWS::S3::Bucket\"\n"
                + "    Properties:\n      BucketName: fixed-name\n  NoName:\n"
                + "    Type: AWS::S3::Bucket\n", "AWS::S3::Bucket", "BucketName"))
        .extracting(v -> v.resolve(java.util.Map.of("BucketName", "labflow-x")))
        .containsExactly("labflow-x", "fixed-name");
    lab.clients.s3().createBucket(b -> b.bucket("labflow-lab-own"));
    lab.clients.s3().putBucketTagging(b -> b.bucket("labflow-lab-own").tagging(t -> t.tagSet(
        software.amazon.awssdk.services.s3.model.Tag.builder().key("labflow:lab").value("lab-own")
            .build())));

    assertThat(new io.labflow.activities.s3.S3Buckets(lab.clients.s3())
        .takenFrom("labflow-lab-own", "lab-own")).isFalse();
    assertThat(new io.labflow.activities.s3.S3Buckets(lab.clients.s3())
        .takenFrom("labflow-lab-free", "lab-free")).isFalse();
    assertThat(new io.labflow.activities.s3.S3Buckets(lab.clients.s3())
        .takenFrom("labflow-lab-own", "lab-other")).isTrue();
  }

  /** S3 refuses GetBucketTagging of one bucket with AccessDenied (403), as for another's. */
  private void tagsRefused(String bucket) throws Exception {
    lab.close();
    lab = new Lab(List.of(new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
        if (c.request() instanceof GetBucketTaggingRequest r && r.bucket().equals(bucket)) {
          throw S3Exception.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder()
              .errorCode("AccessDenied").errorMessage("Access Denied").serviceName("S3").build())
              .build();
        }
      }
    }));
  }

  @Test
  void aBucketNameAnotherAccountHoldsIsRefusedAsTakenNotAsAPermissionProblem() throws Exception {
    // Another account's bucket: GetBucketTagging answers 403, and the worker's ListBuckets (the
    // account's own buckets) does not hold it.
    tagsRefused("labflow-lab-theirs");

    ApplicationFailure f = failureOf(() -> lab.cfn.createStack(
        labStack("lab-theirs", "labflow-lab-theirs", "labflow-lab-theirs")), "NotOwned");

    assertThat(f.getOriginalMessage()).startsWith("bucket labflow-lab-theirs already exists and is"
        + " not labflow's (it is another AWS account's, in another Region, or not tagged");
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
  }

  @Test
  void aBucketNameTakenInAnotherRegionIsRefusedAsTakenNotRetried() {
    // S3 answers a read of it from the worker's Region 301 PermanentRedirect (the local stack as
    // AWS); before, that was a retryable failure of CreateStack, tried again for good.
    try (S3Client eu = Lab.s3WithBucketInIreland("labflow-lab-eu")) {
      ApplicationFailure f = failureOf(() -> lab.cfn.createStack(
          labStack("lab-eu", "labflow-lab-eu", "labflow-lab-eu")), "NotOwned");

      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).startsWith("bucket labflow-lab-eu already exists and is"
          + " not labflow's (it is another AWS account's, in another Region, or not tagged");
      assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
    }
  }

  @Test
  void aBucketOfTheWorkersAccountItMayNotReadIsAPermissionProblem() throws Exception {
    tagsRefused("labflow-lab-mine");
    lab.clients.s3().createBucket(b -> b.bucket("labflow-lab-mine"));

    failureOf(() -> lab.cfn.createStack(
        labStack("lab-mine", "labflow-lab-mine", "labflow-lab-mine")), "AccessDenied");
    assertThat(lab.calls.count("CloudFormation", "CreateStack")).isZero();
  }
}
