package io.labflow.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Issues the learner of a lab temporary credentials: a session of the lab's learner role (the
 * output of its CreateLearnerAccess step), assumed with the caller's own AWS configuration, printed
 * on stdout only (never logged, never sent to the lab) as shell exports, with the expiry and the
 * AWS console sign-in URL built through the federation endpoint.
 */
@Command(name = "credentials", description = {
    "Prints a lab's learner credentials, their expiry and the AWS console sign-in URL.",
    "The exports go to stdout only (eval \"$(labflow credentials LAB)\"); the caller's own AWS",
    "configuration assumes the lab's learner role. Exit code: 0 printed, 1 failed, 2 refused",
    "(no learner access, a duration outside 15m..12h, or over 1h from a role session)."})
final class CredentialsCommand extends LabCommand {

  /** The action whose step's outputs hold the learner role. */
  private static final String ACTION = "CreateLearnerAccess";
  static final String FEDERATION = "https://signin.aws.amazon.com/federation";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--duration", defaultValue = "1h",
      description = "How long the credentials last, 15m to 12h (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (duration.compareTo(Duration.ofMinutes(15)) < 0 || duration.compareTo(Duration.ofHours(12)) > 0) {
      throw new UsageException("--duration must be between 15m and 12h (the learner role's"
          + " longest session), got " + Durations.format(duration));
    }
    String roleArn = learnerRoleArn(status(
        workerFor(() -> "no credentials issued: the learner role is read from the lab's status")));
    String endpoint = AccountPolicy.fromEnvironment().endpoint();
    Credentials c;
    String region;
    try (StsClient sts = StsClient.create()) {
      c = issue(sts, roleArn, labId, duration);
      region = sts.serviceClientConfiguration().region().id();
    }
    out().println(exports(c, region, endpoint));
    out().println("# expires " + c.expiration() + " (" + roleArn + ")");
    out().println("# console: " + (endpoint != null ? "none with an endpoint override ("
        + endpoint + "); the AWS console is AWS's only" : loginUrl(signinToken(c))));
    return 0;
  }

  /**
   * A session of the learner role, assumed with {@code sts}'s credentials; longer than an hour is
   * refused before asking when those are themselves a role session, as AWS would refuse it.
   */
  static Credentials issue(StsClient sts, String roleArn, String labId, Duration duration) {
    try {
      if (duration.compareTo(Duration.ofHours(1)) > 0) {
        String caller = sts.getCallerIdentity().arn();
        if (caller.contains(":assumed-role/")) {
          throw new UsageException("--duration " + Durations.format(duration) + " is longer than"
              + " AWS allows here: your AWS credentials are a role session (" + caller + "), and a"
              + " role session that assumes another role (role chaining) lasts at most 1h; ask for"
              + " 1h or less, or issue them with an IAM user's credentials");
        }
      }
      return sts.assumeRole(b -> b.roleArn(roleArn).roleSessionName(sessionName(labId))
          .durationSeconds((int) duration.toSeconds())).credentials();
    } catch (AwsServiceException e) {
      String code = AwsFailures.errorCode(e);
      throw new IllegalStateException("AWS did not let this shell's AWS credentials assume the"
          + " learner role " + roleArn + " (" + (code.isEmpty() ? "HTTP " + e.statusCode()
              : code + ": " + AwsErrors.message(e)) + "); use credentials that may"
          + " (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
    }
  }

  /** The learner role of the lab's completed CreateLearnerAccess step; refused without one. */
  static String learnerRoleArn(LabStatus status) {
    for (StepStatus s : status.steps()) {
      if (ACTION.equals(s.action())) {
        Object arn = s.outputs() == null ? null : s.outputs().get("learnerRoleArn");
        if (s.state() != StepState.DONE || arn == null) {
          throw new UsageException("lab " + status.labId() + " has no learner access yet: its step "
              + s.id() + " (" + ACTION + ") is " + s.state());
        }
        return arn.toString();
      }
    }
    throw new UsageException("lab " + status.labId() + " has no learner access: its definition "
        + status.definition() + " has no " + ACTION + " step");
  }

  /** {@code labflow-learner-LAB}, cut to STS's 64 characters. */
  static String sessionName(String labId) {
    String name = ("labflow-learner-" + labId).replaceAll("[^\\w+=,.@-]", "-");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  /**
   * One line of shell exports; region and endpoint only when configured. The region twice: the
   * AWS CLI v1 a learner may use reads only AWS_DEFAULT_REGION, the SDKs and CLI v2 AWS_REGION.
   */
  static String exports(Credentials c, String region, String endpoint) {
    return "export AWS_ACCESS_KEY_ID=" + c.accessKeyId() + " AWS_SECRET_ACCESS_KEY="
        + c.secretAccessKey() + " AWS_SESSION_TOKEN=" + c.sessionToken()
        + (region == null ? "" : " AWS_DEFAULT_REGION=" + region + " AWS_REGION=" + region)
        + (endpoint == null ? "" : " AWS_ENDPOINT_URL=" + endpoint);
  }

  /** The federation endpoint's getSigninToken request for these credentials. */
  static URI signinTokenRequest(Credentials c) {
    String session = JSON.createObjectNode().put("sessionId", c.accessKeyId())
        .put("sessionKey", c.secretAccessKey()).put("sessionToken", c.sessionToken()).toString();
    return URI.create(FEDERATION + "?Action=getSigninToken&Session=" + encode(session));
  }

  static String loginUrl(String signinToken) {
    return FEDERATION + "?Action=login&Issuer=labflow&Destination="
        + encode("https://console.aws.amazon.com/") + "&SigninToken=" + encode(signinToken);
  }

  private static String signinToken(Credentials c) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(signinTokenRequest(c)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the AWS federation endpoint refused a sign-in token (HTTP "
          + r.statusCode() + "); the exports above still work");
    }
    return JSON.readTree(r.body()).path("SigninToken").asText();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
