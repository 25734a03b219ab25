package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackInput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of steps against moto: a fresh {@link Lab} for every test, closed after it, and the
 * checks and inputs the step tests share.
 */
@ExtendWith(MotoServer.class)
public abstract class MotoLabTest {

  /** The read-only and the read-write variant's actions. */
  protected static final List<String> READ = List.of("s3:ListBucket", "s3:GetObject");

  protected static final List<String> WRITE =
      List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject");

  protected Lab lab;

  @BeforeEach
  void openLab() throws Exception {
    lab = newLab();
  }

  @AfterEach
  void closeLab() {
    lab.close();
  }

  /** The lab of one test; a test that prepares moto first (IAM enforcement) does it here. */
  protected Lab newLab() throws Exception {
    return new Lab();
  }

  /** The call fails the step non-retryably with this failure type. */
  public static void assertFailure(Runnable call, String type) {
    assertThat(failureOf(call, type).isNonRetryable()).isTrue();
  }

  /** The failure of this type the step's call fails with, for more checks. */
  public static ApplicationFailure failureOf(Runnable call, String type) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure f = (ApplicationFailure) thrown.getCause();
    assertThat(f.getType()).isEqualTo(type);
    return f;
  }

  /** The tutorial's stack for a lab. */
  public static CreateStackInput labStack(String labId, String stack, String bucket) {
    return new CreateStackInput(
        labId,
        stack,
        "templates/lab-environment.yaml",
        Map.of("LabId", labId, "BucketName", bucket),
        null,
        null);
  }
}
