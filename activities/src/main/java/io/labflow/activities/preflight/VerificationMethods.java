package io.labflow.activities.preflight;

import static io.labflow.activities.common.AccountGuard.CALL_TIMEOUT;
import static io.labflow.activities.preflight.AwsPreflight.failed;
import static io.labflow.activities.preflight.AwsPreflight.firstLine;
import static io.labflow.activities.preflight.AwsPreflight.principalArn;

import io.labflow.activities.common.AccountGuard.Identity;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.workflows.lab.FailureTypes;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The preflight's check that each verification's method can run: simulate or probe. */
final class VerificationMethods {

  private final AwsClients clients;
  private final String endpoint;

  VerificationMethods(AwsClients clients, String endpoint) {
    this.clients = clients;
    this.endpoint = endpoint;
  }

  /** Fails {@code PreflightFailed}, naming the fix, when {@code v}'s method cannot run. */
  void available(Identity who, Verification v) {
    String trust = (v.trustedPrincipalParameter() == null
        ? "trustedPrincipalArn" : v.trustedPrincipalParameter()) + "=" + who.arn();
    switch (v.method() == null ? "simulate" : v.method()) {
      case "simulate" -> simulatorAvailable(who, v, trust);
      case "probe" -> {
        if (!v.trustedPrincipalSet()) {
          throw failed("verification by probe assumes the lab's role, which must trust the"
              + " worker: set parameter " + trust);
        }
      }
      default -> {
        // The definition's own validation reports an unknown method.
      }
    }
  }

  /** @param trust the parameter that makes the lab's role trust the worker, set to the worker */
  private void simulatorAvailable(Identity who, Verification v, String trust) {
    String fix = "set parameter "
        + (v.methodParameter() == null ? "verifyMethod" : v.methodParameter()) + "=probe"
        + (v.trustedPrincipalSet() ? "" : " and " + trust)
        + " (in the run's parameters or the worker's LABFLOW_SITE_PARAMETERS)";
    // The lab's own role, before it exists: IAM authorizes the request on the role's ARN first,
    // so NoSuchEntity proves the permission verification will need, on the resource it will need
    // it on (the shipped worker policy grants it on lab roles only, never on the worker itself).
    String source = v.roleName() == null ? principalArn(who.arn()) : roleArn(who, v.roleName());
    try {
      clients.iam().simulatePrincipalPolicy(
          b -> b.policySourceArn(source)
              .actionNames("s3:ListBucket")
              .maxItems(1)
              .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)));
    } catch (AwsServiceException e) {
      String code = AwsFailures.errorCode(e);
      if (code.equals("NoSuchEntity") || code.equals(FailureTypes.INVALID_INPUT)) {
        return; // the simulator answered; it only does not know this exact principal
      }
      // Throttled or a server fault: the resolve tries again rather than blaming the setup.
      AwsFailures.rethrowIfAwsTransient(e);
      if (code.equals(FailureTypes.ACCESS_DENIED)) {
        throw failed("verification by simulate needs iam:SimulatePrincipalPolicy on "
            + (v.roleName() == null ? "" : "the lab's role ") + source + ", which the worker may"
            + " not call; grant it (the shipped worker policy grants it on labflow-* roles), or "
            + fix);
      }
      throw failed("verification by simulate is not available at " + endpoint
          + ": IAM's policy simulator answered " + (code.isEmpty() ? "" : code + ", ") + "HTTP "
          + e.statusCode() + "; " + fix);
    } catch (SdkException e) {
      // Throttled or a server fault: the resolve tries again rather than blaming the setup.
      AwsFailures.rethrowIfAwsTransient(e);
      throw failed("verification by simulate is not available at " + endpoint + " ("
          + firstLine(String.valueOf(e.getMessage())) + "); " + fix);
    }
  }

  /** The ARN of a role of the worker's account, in the worker's partition. */
  static String roleArn(Identity who, String roleName) {
    String[] parts = who.arn().split(":", 6);
    String partition = parts.length == 6 ? parts[1] : "aws";
    return "arn:" + partition + ":iam::" + who.account() + ":role/" + roleName;
  }
}
