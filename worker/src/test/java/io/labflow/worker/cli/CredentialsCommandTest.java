package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sts.model.Credentials;

/** {@code labflow credentials}: the refusals, the learner role from the status, the URLs built. */
@Tag("fast")
class CredentialsCommandTest {

  static final String ROLE = "arn:aws:iam::123456789012:role/labflow-lab-1-learner";
  static final Credentials CREDS = Credentials.builder().accessKeyId("ASIAEXAMPLE")
      .secretAccessKey("se/cret+key").sessionToken("tok=en").build();

  static LabStatus status(StepStatus... steps) {
    return new LabStatus("lab-1", "iam-service-role-challenge", "read-only", LabState.LIVE,
        List.of(steps), null, null, null, null, List.of(), null);
  }

  static StepStatus access(StepState state, Map<String, Object> outputs) {
    return new StepStatus("learner-access", "CreateLearnerAccess", state, 1, outputs, null);
  }

  @Test
  void theLearnerRoleIsTheCompletedCreateLearnerAccessStepsOutput() {
    StepStatus stack = new StepStatus("create-stack", "CreateStack", StepState.DONE, 1, Map.of(), null);
    assertThat(CredentialsCommand.learnerRoleArn(
        status(stack, access(StepState.DONE, Map.of("learnerRoleArn", ROLE)))))
        .isEqualTo(ROLE);
  }

  @Test
  void aLabWithoutLearnerAccessIsRefusedInOneSentence() {
    StepStatus stack = new StepStatus("create-stack", "CreateStack", StepState.DONE, 1, Map.of(), null);
    assertThatThrownBy(() -> CredentialsCommand.learnerRoleArn(status(stack)))
        .isInstanceOf(UsageException.class)
        .hasMessage("lab lab-1 has no learner access: its definition iam-service-role-challenge"
            + " has no CreateLearnerAccess step");
    assertThatThrownBy(() -> CredentialsCommand.learnerRoleArn(
        status(access(StepState.RUNNING, null))))
        .isInstanceOf(UsageException.class)
        .hasMessage("lab lab-1 has no learner access yet: its step learner-access"
            + " (CreateLearnerAccess) is RUNNING");
    assertThat(Main.exitCode(new UsageException("x"))).isEqualTo(2);
  }

  @Test
  void aDurationOutsideTheRolesSessionIsRefusedBeforeAnyCall() {
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("credentials", "lab-1", "--duration", "13h");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("labflow: --duration must be between 15m and 12h (the"
        + " learner role's longest session), got 13h\n");
  }

  @Test
  void theExportsCarryRegionAndEndpointOnlyWhenConfigured() {
    assertThat(CredentialsCommand.exports(CREDS, null, null)).isEqualTo("export"
        + " AWS_ACCESS_KEY_ID=ASIAEXAMPLE AWS_SECRET_ACCESS_KEY=se/cret+key AWS_SESSION_TOKEN=tok=en");
    assertThat(CredentialsCommand.exports(CREDS, "us-east-1", "http://127.0.0.1:5000"))
        .endsWith(" AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:5000");
  }

  /** Before, only AWS_REGION: the learner's AWS CLI v1 answered "You must specify a region". */
  @Test
  void theExportsGiveTheRegionToTheAwsCliV1Too() {
    assertThat(CredentialsCommand.exports(CREDS, "eu-west-1", null))
        .endsWith(" AWS_SESSION_TOKEN=tok=en AWS_DEFAULT_REGION=eu-west-1 AWS_REGION=eu-west-1");
  }

  @Test
  void theConsoleUrlGoesThroughTheFederationEndpoint() {
    String token = CredentialsCommand.signinTokenRequest(CREDS).toString();
    assertThat(token).startsWith("https://signin.aws.amazon.com/federation?Action=getSigninToken"
        + "&Session=");
    assertThat(URLDecoder.decode(token.substring(token.indexOf("Session=") + 8),
        StandardCharsets.UTF_8)).isEqualTo("{\"sessionId\":\"ASIAEXAMPLE\",\"sessionKey\":"
        + "\"se/cret+key\",\"sessionToken\":\"tok=en\"}");
    assertThat(CredentialsCommand.loginUrl("a+b/c")).isEqualTo(
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=labflow&Destination="
            + "https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=a%2Bb%2Fc");
    assertThat(CredentialsCommand.sessionName("lab 1")).isEqualTo("labflow-learner-lab-1");
  }
}
