package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** A listing that fails: AWS's transient errors retry the inventory, the rest is said. */
@Tag("fast")
class FoundResourcesTest {

  private static final SdkClientException REFUSED =
      SdkClientException.create("Unable to execute HTTP request: Connection refused");

  @Test
  void aClientSideFailureIsUnreadableNotRetried() {
    FoundResources f = new FoundResources("lab-1");

    f.read("VPCs", () -> {
      throw REFUSED;
    });
    f.check("role labflow-lab-1-role", true, () -> {
      throw REFUSED;
    });

    assertThat(f.build().unreadable()).hasSize(2).allSatisfy(
        what -> assertThat(what).contains("failed on the client side: Unable to execute HTTP"));
    assertThat(f.build().unreadable().get(0)).startsWith("VPCs (");
  }

  @Test
  void throttlingFailsTheInventoryRetryably() {
    FoundResources f = new FoundResources("lab-1");
    AwsServiceException throttled = AwsServiceException.builder().statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build();

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> f.read("roles", () -> {
          throw throttled;
        }));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo("Throttling");
    assertThat(f.build().unreadable()).isEmpty();
  }
}
