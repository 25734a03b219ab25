package io.labflow.activities.quotas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** A quota usage AWS does not answer: its permission is named, a transient error is retried. */
@Tag("fast")
class AccountQuotasTest {

  private static ApplicationFailure readFailing(int status, String code) {
    AwsServiceException e = AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    return catchThrowableOfType(ApplicationFailure.class,
        () -> AccountQuotas.usage("ec2:DescribeVpcs", () -> {
          throw e;
        }));
  }

  /** Before, a throttled DescribeVpcs refused the lab, blaming a missing permission. */
  @Test
  void aThrottledUsageReadFailsRetryably() {
    ApplicationFailure f = readFailing(400, "RequestLimitExceeded");

    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getType()).isEqualTo("RequestLimitExceeded");
    assertThat(f.getOriginalMessage()).doesNotContain("needs that permission");
  }

  @Test
  void aRefusedUsageReadRefusesTheLabNamingThePermission() {
    ApplicationFailure f = readFailing(403, "UnauthorizedOperation");

    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getType()).isEqualTo(FailureTypes.PREFLIGHT_FAILED);
    assertThat(f.getOriginalMessage()).isEqualTo("preflight: cannot read the quota usage:"
        + " ec2:DescribeVpcs answered UnauthorizedOperation; the worker needs that permission");
  }

  /** Before, credentials AWS refused were reported as a missing ec2:DescribeVpcs permission. */
  @ParameterizedTest
  @CsvSource({"401, AuthFailure", "403, InvalidClientTokenId", "403, SignatureDoesNotMatch",
      "400, ExpiredToken", "400, UnrecognizedClientException", "400, InvalidSignatureException",
      "401, ''"})
  void refusedCredentialsAreNamedAsSuchNotAsAMissingPermission(int status, String code) {
    ApplicationFailure f = readFailing(status, code);

    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).isEqualTo("preflight: cannot read the quota usage:"
        + " ec2:DescribeVpcs answered " + (code.isEmpty() ? "HTTP 401" : code) + "; AWS refused"
        + " the worker's credentials, give the worker valid credentials (AWS_PROFILE, or"
        + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
}
