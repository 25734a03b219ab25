package io.labflow.activities.quotas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsClients;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GetAccountSummaryRequest;
import software.amazon.awssdk.services.iam.model.GetAccountSummaryResponse;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.servicequotas.model.GetServiceQuotaRequest;
import software.amazon.awssdk.services.servicequotas.model.GetServiceQuotaResponse;

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

  /**
   * Service Quotas answers without an error code (a 403 whose body the SDK cannot read): the note
   * says the HTTP status (before: "Service Quotas answered " with nothing after it).
   */
  @Test
  void anAnswerWithoutAnErrorCodeIsSaidByItsHttpStatus() {
    IamClient iam = new IamClient() {
      @Override
      public GetAccountSummaryResponse getAccountSummary(GetAccountSummaryRequest request) {
        return GetAccountSummaryResponse.builder()
            .summaryMapWithStrings(Map.of("Roles", 3, "RolesQuota", 1000)).build();
      }

      @Override
      public String serviceName() {
        return "iam";
      }

      @Override
      public void close() {}
    };
    ServiceQuotasClient sq = new ServiceQuotasClient() {
      @Override
      public GetServiceQuotaResponse getServiceQuota(GetServiceQuotaRequest request) {
        throw AwsServiceException.builder().statusCode(403).build();
      }

      @Override
      public String serviceName() {
        return "servicequotas";
      }

      @Override
      public void close() {}
    };
    AwsClients clients = new AwsClients(List.of(), null, null, iam, null, null, null, sq);

    QuotaFit.Reading r = new AccountQuotas(clients).read(Set.of(Quota.ROLES)).get(Quota.ROLES);

    assertThat(r.limitText()).isEqualTo("quota 1000 (from iam:GetAccountSummary; Service Quotas"
        + " answered HTTP 403)");
  }
}
