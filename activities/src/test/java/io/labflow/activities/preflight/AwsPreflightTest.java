package io.labflow.activities.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.activities.testing.MotoServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import io.labflow.activities.testing.NoSimulator;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyRequest;

/** The AWS preflight against a real moto server (which has no policy simulator). */
@ExtendWith(MotoServer.class)
@org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
@Tag("moto")
class AwsPreflightTest {

  /** A made-up key id (built at run time so that secret scanners see no key in the source). */
  private static final String BAD_KEY_ID = "AKIA" + "EXAMPLEBADKEY000";

  static final Verification SIMULATE = new Verification("simulate", "verifyMethod", false, "trustedPrincipalArn");

  static ApplicationFailure failure(AwsPreflight preflight, List<Verification> v) {
    ApplicationFailure f =
        catchThrowableOfType(() -> preflight.check("lab-pre", v), ApplicationFailure.class);
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
        AwsClients.Settings.defaults().withInterceptors(List.of(new NoSimulator())))) {
      ApplicationFailure f = failure(new AwsPreflight(clients), List.of(SIMULATE));
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: verification by simulate is not available at ")
          .endsWith(
              "set parameter verifyMethod=probe and trustedPrincipalArn=" + admin
                  + " (in the run's parameters or the worker's LABFLOW_SITE_PARAMETERS)");
    }
  }

  /**
   * IAM's simulator as AWS answers the worker holding the shipped definitions/worker-policy.json:
   * authorization first, on the ARN the request names ({@code AccessDenied} unless a statement
   * granting {@code iam:SimulatePrincipalPolicy} covers it), then the lookup ({@code NoSuchEntity}:
   * the lab's role does not exist before the lab). moto has no simulator; the request still
   * reaches it, and its answer is replaced.
   */
  static final class ShippedPolicySimulator implements ExecutionInterceptor {
    final List<String> sources = new CopyOnWriteArrayList<>();
    private final List<Pattern> granted;

    ShippedPolicySimulator() {
      try {
        JsonNode policy = new ObjectMapper().readTree(
            Files.readString(Tools.repoRoot().resolve("definitions/worker-policy.json")));
        granted = new java.util.ArrayList<>();
        for (JsonNode st : policy.get("Statement")) {
          if (st.get("Action").toString().contains("\"iam:SimulatePrincipalPolicy\"")
              && !st.has("Condition")) {
            (st.get("Resource").isArray() ? st.get("Resource") : List.of(st.get("Resource")))
                .forEach(r -> granted.add(Pattern.compile(
                    Pattern.quote(r.asText()).replace("*", "\\E.*\\Q"))));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Optional<String> source(Context.ModifyHttpResponse c) {
      return c.request() instanceof SimulatePrincipalPolicyRequest r
          ? Optional.of(r.policySourceArn()) : Optional.empty();
    }

    private boolean allowed(String arn) {
      return granted.stream().anyMatch(p -> p.matcher(arn).matches());
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse c, ExecutionAttributes a) {
      return source(c).map(arn -> c.httpResponse().toBuilder()
              .statusCode(allowed(arn) ? 404 : 403).build())
          .orElse(c.httpResponse());
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(
        Context.ModifyHttpResponse c, ExecutionAttributes a) {
      Optional<String> arn = source(c);
      if (arn.isEmpty()) {
        return c.responseBody();
      }
      sources.add(arn.get());
      String error = allowed(arn.get())
          ? "<Code>NoSuchEntity</Code><Message>The role with name " + arn.get()
              + " cannot be found.</Message>"
          : "<Code>AccessDenied</Code><Message>User is not authorized to perform:"
              + " iam:SimulatePrincipalPolicy on resource: " + arn.get() + "</Message>";
      String xml = "<ErrorResponse><Error><Type>Sender</Type>" + error
          + "</Error><RequestId>scripted</RequestId></ErrorResponse>";
      return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void theSimulatorIsProbedOnTheLabsOwnRoleWhichTheShippedWorkerPolicyCovers() throws Exception {
    String worker = MotoServer.enforceIamWithAdmin();
    ShippedPolicySimulator iam = new ShippedPolicySimulator();
    try (AwsClients clients = AwsClients.fromEnvironment(
        AwsClients.Settings.defaults().withInterceptors(List.of(iam)))) {
      AwsPreflight.Identity who = new AwsPreflight(clients).check("lab-pre", List.of(
          new Verification("simulate", "verifyMethod", false, "trustedPrincipalArn",
              "labflow-lab-pre-role")));
      assertThat(who.arn()).isEqualTo(worker);
      assertThat(iam.sources)
          .containsExactly("arn:aws:iam::123456789012:role/labflow-lab-pre-role");
    }
  }

  @Test
  void aSimulatorTheWorkerMayNotCallNamesThePermissionOnTheLabsRole() throws Exception {
    MotoServer.enforceIamWithAdmin();
    ShippedPolicySimulator iam = new ShippedPolicySimulator();
    try (AwsClients clients = AwsClients.fromEnvironment(
        AwsClients.Settings.defaults().withInterceptors(List.of(iam)))) {
      ApplicationFailure f = failure(new AwsPreflight(clients), List.of(
          new Verification("simulate", "verifyMethod", true, "trustedPrincipalArn",
              "reader-lab-pre")));
      assertThat(f.getOriginalMessage()).isEqualTo("preflight: verification by simulate needs"
          + " iam:SimulatePrincipalPolicy on the lab's role"
          + " arn:aws:iam::123456789012:role/reader-lab-pre, which the worker may not call;"
          + " grant it (the shipped worker policy grants it on labflow-* roles), or set"
          + " parameter verifyMethod=probe (in the run's parameters or the worker's"
          + " LABFLOW_SITE_PARAMETERS)");
    }
  }

  @Test
  void theSimulatorIsAvailableToAnAdministratorAndAWorkerThatMayNotCallItIsToldTheFix()
      throws Exception {
    // The local stack answers iam:SimulatePrincipalPolicy (scripts/lib/moto_iam_simulate.py).
    String admin = MotoServer.enforceIamWithAdmin();
    String[] key;
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      assertThat(new AwsPreflight(clients).check("lab-pre", List.of(SIMULATE)).arn())
          .isEqualTo(admin);
      clients.iam().createUser(b -> b.userName("no-simulator"));
      var k = clients.iam().createAccessKey(b -> b.userName("no-simulator")).accessKey();
      key = new String[] {k.accessKeyId(), k.secretAccessKey()};
    }
    MotoServer.useCredentials(key[0], key[1]);
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = failure(new AwsPreflight(clients), List.of(SIMULATE));
      assertThat(f.getOriginalMessage())
          .isEqualTo("preflight: verification by simulate needs iam:SimulatePrincipalPolicy, which"
              + " the worker may not call; grant it, or set parameter verifyMethod=probe and"
              + " trustedPrincipalArn=arn:aws:iam::123456789012:user/no-simulator (in the run's"
              + " parameters or the worker's LABFLOW_SITE_PARAMETERS)");
    }
  }

  @Test
  void probeNeedsATrustedPrincipalAndPassesWithOne() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      AwsPreflight preflight = new AwsPreflight(clients);
      ApplicationFailure f =
          failure(preflight, List.of(new Verification("probe", "verifyMethod", false, "trustedPrincipalArn")));
      assertThat(f.getOriginalMessage())
          .isEqualTo(
              "preflight: verification by probe assumes the lab's role, which must trust the"
                  + " worker: set parameter trustedPrincipalArn=" + admin);

      AwsPreflight.Identity who =
          preflight.check("lab-pre", List.of(new Verification("probe", "verifyMethod", true, "trustedPrincipalArn")));
      assertThat(who.arn()).isEqualTo(admin);
      assertThat(who.account()).isEqualTo("123456789012");
    }
  }

  @Test
  void refusedCredentialsNameTheFix() throws Exception {
    MotoServer.enforceIamWithAdmin();
    MotoServer.useCredentials(BAD_KEY_ID, "not-a-secret");
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = failure(new AwsPreflight(clients), List.of());
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: the worker's AWS credentials were refused by ")
          .contains("on sts:GetCallerIdentity")
          .endsWith("(AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
          .doesNotContain(BAD_KEY_ID, "not-a-secret");
    }
  }

  @Test
  void anEndpointThatDoesNotAnswerNamesTheSetting() {
    String saved = System.getProperty("aws.endpointUrl");
    System.setProperty("aws.endpointUrl", "http://127.0.0.1:1");
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = failure(new AwsPreflight(clients), List.of());
      assertThat(f.getOriginalMessage())
          .startsWith("preflight: the AWS endpoint http://127.0.0.1:1 does not answer (")
          .endsWith("); check AWS_ENDPOINT_URL and the network, then start the lab again");
    } finally {
      System.setProperty("aws.endpointUrl", saved);
    }
  }

  @Test
  void anAssumedRoleSessionIsSimulatedAsItsRole() {
    assertThat(AwsPreflight.principalArn("arn:aws:sts::111122223333:assumed-role/labflow-worker/i-0abc"))
        .isEqualTo("arn:aws:iam::111122223333:role/labflow-worker");
    assertThat(AwsPreflight.principalArn("arn:aws:iam::111122223333:user/ada"))
        .isEqualTo("arn:aws:iam::111122223333:user/ada");
  }
}
