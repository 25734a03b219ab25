package io.labflow.activities.preflight;

import static io.labflow.activities.common.AccountGuard.CALL_TIMEOUT;
import static io.labflow.activities.preflight.AwsPreflight.failed;
import static io.labflow.activities.preflight.AwsPreflight.firstLine;
import static io.labflow.activities.preflight.AwsPreflight.principalArn;
import static io.labflow.activities.preflight.AwsPreflight.read;

import io.labflow.activities.common.AccountGuard.Identity;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.preflight.AwsPreflight.Setting;
import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.lab.FailureTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The preflight's checks of a lab's own values against AWS: an instance type the region does not
 * offer, a trusted principal of an unknown account, that does not exist or is another lab's, and
 * a verification method that cannot run there would otherwise be found only after resources were
 * created.
 */
record LabValues(AwsClients clients, String endpoint) {

  /** ec2:DescribeInstanceTypeOfferings in the region names the type. */
  void instanceTypeOffered(String region, Setting type) {
    if (read("cannot check instance type '" + type.value() + "' (" + type.source() + ") at "
        + endpoint, "ec2:DescribeInstanceTypeOfferings", () -> clients.ec2()
            .describeInstanceTypeOfferings(b -> b.locationType(LocationType.REGION)
                .filters(Ec2Walk.filter("instance-type", type.value())))
            .instanceTypeOfferings()).isEmpty()) {
      throw failed("parameter " + type.source() + ": instance type '" + type.value()
          + "' is not offered in region " + region + "; choose one that is (for example t3.micro)");
    }
  }

  /**
   * Each principal is of the worker's account or one the definition lists for its parameter, and
   * in the worker's account exists and is no lab's (no {@code labflow:lab} tag, not named as the
   * definition names its labs' roles). The one rule of which principal a lab's role may trust.
   */
  void principalsUsable(
      String labId, Identity who, List<Setting> principals, List<Pattern> labRoleNames) {
    List<String> problems = new ArrayList<>();
    for (Setting p : principals) {
      String account = PrincipalArns.account(p.value()).orElse(who.account());
      if (p.accounts() != null && !account.equals(who.account())
          && !p.accounts().contains(account)) {
        problems.add("request: parameters." + p.source() + ": parameter '" + p.source()
            + "' names a principal of account " + account + ", but the worker runs in account "
            + who.account() + (p.accounts().isEmpty()
                ? " and the definition allows no other (list it under accounts)"
                : " and the definition allows only " + String.join(", ", p.accounts())));
      }
    }
    if (!problems.isEmpty()) {
      throw AwsFailures.nonRetryable(String.join("\n", problems), FailureTypes.INVALID_REQUEST);
    }
    for (Setting principal : principals) {
      String[] arn = principal.value().split(":", 6);
      String kind = arn.length < 6 ? null
          : arn[5].startsWith("role/") ? "role" : arn[5].startsWith("user/") ? "user" : null;
      // Only the worker's account's users and roles (the binder accepts no other kind), and not
      // the worker itself (as probe needs it).
      if (kind == null || !arn[4].equals(who.account())
          || principal.value().equals(principalArn(who.arn()))) {
        continue;
      }
      String name = arn[5].substring(arn[5].lastIndexOf('/') + 1);
      String names = "parameter " + principal.source() + " names " + kind + " " + name + ", which ";
      String fix = "; set " + principal.source() + " to the worker's own ARN, " + who.arn();
      Optional<List<Tag>> tags = tags(kind, name, principal);
      if (tags.isEmpty()) {
        throw failed(names + "does not exist in account " + who.account() + fix);
      }
      Optional<String> lab = tags.get().stream()
          .filter(t -> Tags.LAB_TAG.equals(t.key())).map(Tag::value).findFirst();
      if (lab.isPresent()) {
        throw failed(names + "belongs to "
            + (lab.get().equals(labId) ? "this lab" : "lab " + lab.get()) + " (tag " + Tags.LAB_TAG
            + "=" + lab.get() + "); a lab's role trusts no lab's principal" + fix);
      }
      if (kind.equals("role") && labRoleNames.stream().anyMatch(p -> p.matcher(name).matches())) {
        throw failed(names + "is named as this definition names its labs' roles; a lab's role"
            + " trusts no lab's principal" + fix);
      }
    }
  }

  /** The principal's tags; empty when it does not exist. */
  private Optional<List<Tag>> tags(String kind, String name, Setting principal) {
    return read("cannot check " + principal.source() + " (" + kind + " " + name + ") at "
        + endpoint, "iam:Get" + (kind.equals("role") ? "Role" : "User"),
        () -> AwsErrors.emptyOn(() -> kind.equals("role")
            ? clients.iam().getRole(b -> b.roleName(name)).role().tags()
            : clients.iam().getUser(b -> b.userName(name)).user().tags(), "NoSuchEntity"));
  }

  /** Fails {@code PreflightFailed}, naming the fix, when {@code v}'s method cannot run. */
  void available(Identity who, Verification v) {
    String trust = (v.trustedPrincipalParameter() == null
        ? "trustedPrincipalArn" : v.trustedPrincipalParameter()) + "=" + who.arn();
    // The definition's own validation reports an unknown method.
    if (v.method() != null && !v.method().equals("simulate")) {
      if (v.method().equals("probe") && !v.trustedPrincipalSet()) {
        throw failed("verification by probe assumes the lab's role, which must trust the worker:"
            + " set parameter " + trust);
      }
      return;
    }
    String fix = "set parameter "
        + (v.methodParameter() == null ? "verifyMethod" : v.methodParameter()) + "=probe"
        + (v.trustedPrincipalSet() ? "" : " and " + trust)
        + " (in the run's parameters or the worker's LABFLOW_SITE_PARAMETERS)";
    // The lab's own role, before it exists: IAM authorizes the request on the role's ARN first,
    // so NoSuchEntity proves the permission verification will need, on the resource it will need
    // it on (the shipped worker policy grants it on lab roles only, never on the worker itself).
    String source = v.roleName() == null ? principalArn(who.arn())
        : "arn:" + who.arn().split(":")[1] + ":iam::" + who.account() + ":role/" + v.roleName();
    try {
      clients.iam().simulatePrincipalPolicy(
          b -> b.policySourceArn(source)
              .actionNames("s3:ListBucket")
              .maxItems(1)
              .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)));
    } catch (SdkException e) {
      String code = e instanceof AwsServiceException ase ? AwsFailures.errorCode(ase) : "";
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
          + (e instanceof AwsServiceException ase
              ? ": IAM's policy simulator answered " + (code.isEmpty() ? "" : code + ", ")
                  + "HTTP " + ase.statusCode() + "; "
              : " (" + firstLine(String.valueOf(e.getMessage())) + "); ") + fix);
    }
  }
}
