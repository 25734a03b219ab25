package io.labflow.activities.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.preflight.AwsPreflight.LabSettings;
import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.testing.NoSimulator;
import io.labflow.activities.testing.Tools;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** The AWS preflight against a real moto server (which has no policy simulator). */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class AwsPreflightTest {

  /** A made-up key id (built at run time so that secret scanners see no key in the source). */
  private static final String BAD_KEY_ID = "AKIA" + "EXAMPLEBADKEY000";
  private static final LabSettings NONE = new LabSettings(List.of(), List.of(), List.of());

  static final Verification SIMULATE = new Verification("simulate", "verifyMethod", false, "trustedPrincipalArn", null);
  /** As the shipped lab's verifications are read: on the lab's own role. */
  static final Verification LAB_SIMULATE = new Verification("simulate", "verifyMethod", false,
      "trustedPrincipalArn", "labflow-lab-pre-role");

  /** The preflight with the account guard of this process's configuration on its clients. */
  static AwsPreflight preflight(AwsClients clients) {
    return new AwsPreflight(clients,
        new AccountGuard(AccountPolicy.fromEnvironment()).bind(clients.sts(), clients.iam()));
  }

  static ApplicationFailure failure(AwsPreflight preflight, List<Verification> v) {
    ApplicationFailure f =
        catchThrowableOfType(() -> preflight.check("lab-pre", v, NONE), ApplicationFailure.class);
    assertThat(f).as("preflight should fail").isNotNull();
    assertThat(f.getType()).isEqualTo("PreflightFailed");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).doesNotContain("\n");
    return f;
  }

  @Test
  void anEndpointWithoutTheSimulatorIsDetectedAndTheFixNamesTheParametersToSet() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    try (AwsClients clients = AwsClients.fromEnvironment(
        List.of(new NoSimulator()))) {
      ApplicationFailure f = failure(preflight(clients), List.of(SIMULATE));
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: verification by simulate is not available at ")
          .endsWith(
              "set parameter verifyMethod=probe and trustedPrincipalArn=" + admin
                  + " (in the run's parameters or the worker's LABFLOW_SITE_PARAMETERS)");
    }
  }

  @Test
  void theSimulatorIsAvailableToAnAdministratorAndAWorkerThatMayNotCallItIsToldTheFix()
      throws Exception {
    // The local stack answers iam:SimulatePrincipalPolicy (scripts/lib/moto_iam_simulate.py).
    String admin = MotoServer.enforceIamWithAdmin();
    String[] key;
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      assertThat(preflight(clients).check("lab-pre", List.of(LAB_SIMULATE), NONE).arn())
          .isEqualTo(admin);
      clients.iam().createUser(b -> b.userName("no-simulator"));
      var k = clients.iam().createAccessKey(b -> b.userName("no-simulator")).accessKey();
      key = new String[] {k.accessKeyId(), k.secretAccessKey()};
    }
    MotoServer.useCredentials(key[0], key[1]);
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = failure(preflight(clients), List.of(LAB_SIMULATE));
      assertThat(f.getOriginalMessage())
          .isEqualTo("preflight: verification by simulate needs iam:SimulatePrincipalPolicy on"
              + " the lab's role arn:aws:iam::123456789012:role/labflow-lab-pre-role, which the"
              + " worker may not call; grant it (the shipped worker policy grants it on labflow-*"
              + " roles), or set parameter verifyMethod=probe and"
              + " trustedPrincipalArn=arn:aws:iam::123456789012:user/no-simulator (in the run's"
              + " parameters or the worker's LABFLOW_SITE_PARAMETERS)");
    }
  }

  /**
   * Issue 18: the worker named as docs/real-aws.md says (outside {@code labflow-*}), holding the
   * shipped policy's parts, may simulate the lab's role, which is all verification needs; asked
   * about itself, as before, the evaluator denied it.
   */
  @Test
  void aWorkerOutsideTheLabPrefixHoldingTheShippedPolicyPassesTheSimulatorCheck() throws Exception {
    MotoServer.enforceIamWithAdmin();
    String[] key;
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      clients.iam().createUser(b -> b.userName("worker-labflow"));
      for (int n = 1; Files.exists(part(n)); n++) {
        String doc = Files.readString(part(n));
        String name = "worker-labflow-" + n;
        String arn = clients.iam().createPolicy(b -> b.policyName(name)
            .policyDocument(doc)).policy().arn();
        clients.iam().attachUserPolicy(b -> b.userName("worker-labflow").policyArn(arn));
      }
      var k = clients.iam().createAccessKey(b -> b.userName("worker-labflow")).accessKey();
      key = new String[] {k.accessKeyId(), k.secretAccessKey()};
    }
    MotoServer.useCredentials(key[0], key[1]);
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      assertThat(preflight(clients).check("lab-pre", List.of(LAB_SIMULATE), NONE).arn())
          .isEqualTo("arn:aws:iam::123456789012:user/worker-labflow");
    }
  }

  private static Path part(int n) {
    return Tools.repoRoot().resolve("definitions/worker-policy-" + n + ".json");
  }

  @Test
  void probeNeedsATrustedPrincipalAndPassesWithOne() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      AwsPreflight preflight = preflight(clients);
      ApplicationFailure f =
          failure(preflight, List.of(new Verification("probe", "verifyMethod", false, "trustedPrincipalArn", null)));
      assertThat(f.getOriginalMessage())
          .isEqualTo(
              "preflight: verification by probe assumes the lab's role, which must trust the"
                  + " worker: set parameter trustedPrincipalArn=" + admin);

      AccountGuard.Identity who =
          preflight.check("lab-pre", List.of(new Verification("probe", "verifyMethod", true, "trustedPrincipalArn", null)), NONE);
      assertThat(who.arn()).isEqualTo(admin);
      assertThat(who.account()).isEqualTo("123456789012");
    }
  }

  @Test
  void refusedCredentialsNameTheFix() throws Exception {
    MotoServer.enforceIamWithAdmin();
    MotoServer.useCredentials(BAD_KEY_ID, "not-a-secret");
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = failure(preflight(clients), List.of());
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: the worker's AWS credentials were refused by ")
          .contains("on sts:GetCallerIdentity")
          .endsWith("(AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
          .doesNotContain(BAD_KEY_ID, "not-a-secret");
    }
  }

  @Test
  void anEndpointThatDoesNotAnswerNamesTheSetting() throws IOException {
    String saved = System.getProperty("aws.endpointUrl");
    try (Socket nowhere = Tools.refusedPort()) {
      String endpoint = "http://127.0.0.1:" + nowhere.getLocalPort();
      System.setProperty("aws.endpointUrl", endpoint);
      ApplicationFailure f;
      try (AwsClients clients = AwsClients.fromEnvironment()) {
        f = failure(preflight(clients), List.of());
      }
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: the AWS endpoint " + endpoint + " does not answer (")
          .endsWith("); check AWS_ENDPOINT_URL and the network, then start the lab again");
    } finally {
      System.setProperty("aws.endpointUrl", saved);
    }
  }

  @Test
  void aRefusalIsBoundedAndScrubbedLikeEveryFailureOfTheStepLibrary() {
    ApplicationFailure f = AwsPreflight.failed(
        "key " + BAD_KEY_ID + " was refused: " + "x".repeat(3000));
    assertThat(f.getType()).isEqualTo("PreflightFailed");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).startsWith("preflight: key AKIA")
        .hasSizeLessThanOrEqualTo(1500) // AwsFailures.MAX_MESSAGE
        .doesNotContain(BAD_KEY_ID);
  }

  @Test
  void anAssumedRoleSessionIsSimulatedAsItsRole() {
    assertThat(AwsPreflight.principalArn("arn:aws:sts::111122223333:assumed-role/labflow-worker/i-0abc"))
        .isEqualTo("arn:aws:iam::111122223333:role/labflow-worker");
    assertThat(AwsPreflight.principalArn("arn:aws:iam::111122223333:user/ada"))
        .isEqualTo("arn:aws:iam::111122223333:user/ada");
  }
}
