package io.labflow.activities.preflight;

import static io.labflow.activities.common.AccountGuard.CALL_TIMEOUT;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountGuard.Identity;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What would certainly make a lab fail later on AWS, checked before its first resource: who the
 * worker is (credentials, account), the region, that the endpoint answers, and that the lab's
 * verification method is available there. A failure is a non-retryable {@code PreflightFailed}
 * whose one-line message names the fix.
 *
 * <p>Who the worker is comes from the account guard ({@link AccountGuard#identity}, one {@code
 * sts:GetCallerIdentity} per worker). It costs one {@code iam:SimulatePrincipalPolicy} (on the
 * lab's role, which does not exist yet) when a verification uses the policy simulator, and the
 * calls of {@link LabValues} for the lab's instance types and trusted principals.
 *
 * @param guard the account guard on {@code clients}, whose identity the preflight reads
 */
public record AwsPreflight(AwsClients clients, AccountGuard guard) {

  private static final Logger log = LoggerFactory.getLogger(AwsPreflight.class);
  private static final String VALID_CREDENTIALS = "give the worker valid credentials"
      + " (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";

  /**
   * One verification the lab will run.
   *
   * @param method {@code simulate} or {@code probe}
   * @param methodParameter the run parameter the method comes from, for the fix; null when the
   *     definition fixes it
   * @param trustedPrincipalSet whether the role the probe assumes trusts a principal
   * @param trustedPrincipalParameter the run parameter that sets it, for the fix; null if none
   * @param roleName the role the verification asks about, lab id filled in; null when it is known
   *     only at run time
   */
  public record Verification(String method, String methodParameter, boolean trustedPrincipalSet,
      String trustedPrincipalParameter, String roleName) {}

  /**
   * A value of the lab AWS must accept (an instance type, a trusted principal's ARN), and where it
   * comes from for the sentence.
   *
   * @param source the run parameter it comes from ({@code instanceType}), or where the definition
   *     sets it
   * @param accounts for a {@code format: arn} parameter, the accounts it may be in besides the
   *     worker's own; null when the value is no such parameter (its account is left to AWS)
   */
  public record Setting(String value, String source, List<String> accounts) {}

  /**
   * The lab's values checked against AWS before anything is created.
   *
   * @param instanceTypes the instance types its stacks launch: offered in the worker's region
   * @param trustedPrincipals the principals it names: in the worker's account or one the
   *     definition lists; there, existing users or roles that belong to no lab
   * @param labRoleNames how the definition names its labs' roles; a trusted role named so is
   *     another lab's
   */
  public record LabSettings(
      List<Setting> instanceTypes, List<Setting> trustedPrincipals, List<Pattern> labRoleNames) {}

  /** Where the worker's calls go, for sentences: the endpoint override, or AWS. */
  private String endpoint() {
    return Objects.requireNonNullElse(guard.policy().endpoint(), "AWS");
  }

  /**
   * Checks the worker's AWS side for one lab, and the lab's values AWS must accept.
   *
   * @throws ApplicationFailure {@code PreflightFailed}, non-retryable, naming the fix
   */
  public Identity check(String labId, List<Verification> verifications, LabSettings settings) {
    // The SDK's client builders refuse to build without a region.
    String region = clients.sts().serviceClientConfiguration().region().id();
    Identity who = identity();
    LabValues values = new LabValues(clients, endpoint());
    values.principalsUsable(labId, who, settings.trustedPrincipals(), settings.labRoleNames());
    verifications.forEach(v -> values.available(who, v));
    settings.instanceTypes().forEach(t -> values.instanceTypeOffered(region, t));
    log.info("lab {}: preflight passed: account {}, region {}, principal {}, endpoint {}",
        labId, who.account(), region, who.arn(), endpoint());
    return who;
  }

  /** The worker's identity (the guard's), or a failure naming what to fix in its configuration. */
  public Identity identity() {
    try {
      return guard.identity();
    } catch (SdkException e) {
      // Throttled or a server fault: the resolve tries again rather than blaming the setup.
      AwsFailures.rethrowIfAwsTransient(e);
      if (e instanceof AwsServiceException refused) {
        String code = AwsFailures.errorCode(refused);
        int status = refused.statusCode();
        // GetCallerIdentity needs no permission: a 401/403 can only mean the credentials.
        throw failed(AwsFailures.refusedCredentials(refused) || status == 403
            ? "the worker's AWS credentials were refused by " + endpoint() + " ("
                + AwsFailures.answered(refused) + " on sts:GetCallerIdentity); " + VALID_CREDENTIALS
            : "sts:GetCallerIdentity failed at " + endpoint() + " ("
                + (code.isEmpty() ? "" : code + ", ") + "HTTP " + status
                + "); check the worker's AWS configuration");
      }
      if (e instanceof ApiCallTimeoutException) {
        throw AwsFailures.retryable("preflight: sts:GetCallerIdentity at " + endpoint()
            + " did not complete within " + CALL_TIMEOUT.toSeconds() + " s (AWS throttled it"
            + " throughout, or the endpoint is slow); tried again", FailureTypes.AWS_CLIENT_ERROR);
      }
      String message = String.valueOf(e.getMessage());
      if (message.toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
        throw failed("the worker has no AWS credentials; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and"
            + " AWS_SECRET_ACCESS_KEY, in the worker's environment");
      }
      throw failed("the AWS endpoint " + endpoint() + " does not answer (" + firstLine(message)
          + "); check AWS_ENDPOINT_URL and the network, then start the lab again");
    }
  }

  /** An assumed-role session's ARN as the role's ARN (the simulator takes users and roles). */
  public static String principalArn(String callerArn) {
    String[] parts = callerArn.split(":", 6);
    if (parts.length == 6 && parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
      String[] role = parts[5].split("/");
      return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role[1];
    }
    return callerArn;
  }

  /** The first line of a message, at most 200 characters, for a one-line answer. */
  public static String firstLine(String s) {
    String one = s == null ? "" : s.lines().findFirst().orElse("");
    return one.length() > 200 ? one.substring(0, 197) + "..." : one;
  }

  /**
   * What {@code call} reads for the preflight: throttled or a server fault, the caller's retry
   * reads again; refused, the failure that says {@code what} failed and the permission it needs.
   */
  public static <T> T read(String what, String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      AwsFailures.rethrowIfAwsTransient(e);
      throw failed(what + ": " + action + " answered " + AwsFailures.answered(e)
          + (AwsFailures.refusedCredentials(e) ? "; AWS refused the worker's credentials, "
          + VALID_CREDENTIALS : "; the worker needs that permission"));
    }
  }

  /** A preflight refusal: non-retryable {@code PreflightFailed}, this sentence. */
  public static ApplicationFailure failed(String message) {
    return AwsFailures.nonRetryable("preflight: " + message, FailureTypes.PREFLIGHT_FAILED);
  }
}
