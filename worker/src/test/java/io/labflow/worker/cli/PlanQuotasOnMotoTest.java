package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.MotoServer;
import io.labflow.worker.e2e.Labs;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code labflow plan --quotas} against moto under IAM enforcement. */
@ExtendWith(MotoServer.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class PlanQuotasOnMotoTest {

  /**
   * Credentials IAM does not know: AWS answers, and refuses them. Before, the line said the account
   * "could not be reached"; then, the emulator's 403 carried no error code the SDK reads (moto's
   * {@code <ErrorResponse><Errors>} shape), so the sentence was the one for a missing permission.
   */
  @Test
  void aRefusalIsSaidAsWhatAwsAnsweredNotAsAnAccountNotReached() throws Exception {
    MotoServer.enforceIamWithAdmin();
    MotoServer.useCredentials("AKIA" + "EXAMPLEBADKEY000", "not-a-secret");

    assertRefusedAs("InvalidClientTokenId");
  }

  /** A known key with a wrong secret: refused credentials too (before: a missing permission). */
  @Test
  void aWrongSecretIsSaidAsRefusedCredentials() throws Exception {
    MotoServer.enforceIamWithAdmin();
    MotoServer.useCredentials(System.getProperty("aws.accessKeyId"), "not-its-secret");

    assertRefusedAs("SignatureDoesNotMatch");
  }

  private static void assertRefusedAs(String code) {
    CliRun r = CliRun.run("plan", Labs.file("iam-mini").toString(), "--lab-id", "lab-1",
        "-p", "bucket=lab-1-bucket", "--quotas");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).as(r.out())
        .contains("  not checked against the AWS account: preflight: cannot read the quota usage:"
            + " iam:GetAccountSummary answered " + code + "; AWS refused the worker's credentials")
        .doesNotContain("could not be reached")
        .doesNotContain("the worker needs that permission");
  }
}
