package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.iam.model.IamException;

/** How the worker counts an AWS call that AWS answered with an error. */
@Tag("fast")
class AwsCallsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AwsCalls calls = new AwsCalls(registry, 1);

  /**
   * CloudFormation answers DescribeStacks of a stack that is gone with a ValidationError "does not
   * exist": an absence, counted as one (an outcome LabflowWorkerNoAwsSuccess reads as an answer),
   * while a ValidationError refusing the request stays a ValidationError. Before, both were
   * ValidationError, so a worker that only found its stacks gone raised the alert.
   */
  @Test
  void aStackThatDoesNotExistIsAnAbsenceNotAFailedCall() {
    fail("Stack with id labflow-lab-042 does not exist");
    fail("Stack with id labflow-lab-043 does not exist");
    fail("Template format error: unsupported structure.");

    assertThat(count("ValidationError.NotFound")).isEqualTo(2);
    assertThat(count("ValidationError")).isEqualTo(1);
    assertThat("ValidationError.NotFound").matches("ok|NoSuch.*|.*NotFound|EntityAlreadyExists");
  }

  /** Only CloudFormation's answer is the absence of a stack; another service's stays an error. */
  @Test
  void anotherServicesValidationErrorSayingDoesNotExistStaysAFailedCall() {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, "IAM");
    attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "GetRole");
    calls.beforeExecution(null, attributes);
    calls.onExecutionFailure(failed(IamException.builder().statusCode(400).awsErrorDetails(
        AwsErrorDetails.builder().errorCode("ValidationError")
            .errorMessage("Role x does not exist").build()).build()), attributes);

    assertThat(registry.counter(LabflowMeters.AWS_CALLS, "service", "IAM", "operation",
        "GetRole", "outcome", "ValidationError").count()).isEqualTo(1);
  }

  private double count(String outcome) {
    return registry.counter(LabflowMeters.AWS_CALLS, "service", "CloudFormation",
        "operation", "DescribeStacks", "outcome", outcome).count();
  }

  private void fail(String message) {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, "CloudFormation");
    attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "DescribeStacks");
    calls.beforeExecution(null, attributes);
    Throwable e = CloudFormationException.builder().statusCode(400).awsErrorDetails(
        AwsErrorDetails.builder().errorCode("ValidationError").errorMessage(message).build())
        .build();
    calls.onExecutionFailure(failed(e), attributes);
  }

  private static Context.FailedExecution failed(Throwable e) {
    return new Context.FailedExecution() {
      @Override
      public Throwable exception() {
        return e;
      }

      @Override
      public SdkRequest request() {
        return null;
      }

      @Override
      public Optional<SdkHttpRequest> httpRequest() {
        return Optional.empty();
      }

      @Override
      public Optional<SdkHttpResponse> httpResponse() {
        return Optional.empty();
      }

      @Override
      public Optional<SdkResponse> response() {
        return Optional.empty();
      }
    };
  }
}
