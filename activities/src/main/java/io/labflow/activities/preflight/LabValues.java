package io.labflow.activities.preflight;

import io.labflow.activities.common.AccountGuard.Identity;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.preflight.AwsPreflight.Principal;
import io.labflow.activities.preflight.AwsPreflight.Setting;
import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.lab.FailureTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The preflight's checks of a lab's own values against AWS: an instance type the region does not
 * offer, and a trusted principal of an unknown account, that does not exist or is another lab's,
 * would otherwise be found only after resources were created.
 */
final class LabValues {

  private final Ec2Client ec2;
  private final IamClient iam;
  private final String endpoint;

  LabValues(AwsClients clients, String endpoint) {
    this.ec2 = clients.ec2();
    this.iam = clients.iam();
    this.endpoint = endpoint;
  }

  /** ec2:DescribeInstanceTypeOfferings in the region names the type. */
  void instanceTypeOffered(String region, Setting type) {
    boolean offered;
    try {
      offered = !ec2.describeInstanceTypeOfferings(b -> b.locationType(LocationType.REGION)
              .filters(Filter.builder().name("instance-type").values(type.value()).build()))
          .instanceTypeOfferings().isEmpty();
    } catch (AwsServiceException e) {
      AwsFailures.rethrowIfAwsTransient(e);
      throw AwsPreflight.failed("cannot check instance type '" + type.value() + "' (" + type.source()
          + ") at " + endpoint + ": ec2:DescribeInstanceTypeOfferings answered "
          + AwsFailures.errorCode(e) + "; the worker needs that permission");
    }
    if (!offered) {
      throw AwsPreflight.failed("parameter " + type.source() + ": instance type '" + type.value()
          + "' is not offered in region " + region + "; choose one that is (for example t3.micro)");
    }
  }

  /**
   * Each principal is of the worker's account or one the definition lists for its parameter, and
   * in the worker's account exists and is no lab's (no {@code labflow:lab} tag, not named as the
   * definition names its labs' roles). The one rule of which principal a lab's role may trust.
   */
  void principalsUsable(
      String labId, Identity who, List<Principal> principals, List<Pattern> labRoleNames) {
    List<String> problems = new ArrayList<>();
    for (Principal p : principals) {
      String account = PrincipalArns.account(p.arn()).orElse(who.account());
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
    for (Principal p : principals) {
      principalUsable(labId, who, p, labRoleNames);
    }
  }

  private void principalUsable(
      String labId, Identity who, Principal principal, List<Pattern> labRoleNames) {
    String[] arn = principal.arn().split(":", 6);
    if (arn.length < 6 || !arn[4].equals(who.account())) {
      return;
    }
    String kind = arn[5].startsWith("role/") ? "role" : arn[5].startsWith("user/") ? "user" : null;
    if (kind == null) {
      return; // The binder accepts only users and roles.
    }
    String name = arn[5].substring(arn[5].lastIndexOf('/') + 1);
    if (principal.arn().equals(AwsPreflight.principalArn(who.arn()))) {
      return; // The worker itself, as probe needs it.
    }
    String fix = "; set " + principal.source() + " to the worker's own ARN, " + who.arn();
    Optional<List<Tag>> tags = tags(kind, name, principal);
    if (tags.isEmpty()) {
      throw AwsPreflight.failed("parameter " + principal.source() + " names " + kind + " " + name
          + ", which does not exist in account " + who.account() + fix);
    }
    Optional<String> lab = tags.get().stream()
        .filter(t -> Tags.LAB_TAG.equals(t.key())).map(Tag::value).findFirst();
    if (lab.isPresent()) {
      throw AwsPreflight.failed("parameter " + principal.source() + " names " + kind + " " + name
          + ", which belongs to " + (lab.get().equals(labId) ? "this lab" : "lab " + lab.get())
          + " (tag " + Tags.LAB_TAG + "=" + lab.get() + "); a lab's role trusts no lab's"
          + " principal" + fix);
    }
    if (kind.equals("role") && labRoleNames.stream().anyMatch(p -> p.matcher(name).matches())) {
      throw AwsPreflight.failed("parameter " + principal.source() + " names role " + name
          + ", which is named as this definition names its labs' roles; a lab's role trusts no"
          + " lab's principal" + fix);
    }
  }

  /** The principal's tags; empty when it does not exist. */
  private Optional<List<Tag>> tags(String kind, String name, Principal principal) {
    try {
      return Optional.of(kind.equals("role")
          ? iam.getRole(b -> b.roleName(name)).role().tags()
          : iam.getUser(b -> b.userName(name)).user().tags());
    } catch (AwsServiceException e) {
      if (AwsFailures.hasCode(e, "NoSuchEntity")) {
        return Optional.empty();
      }
      AwsFailures.rethrowIfAwsTransient(e);
      throw AwsPreflight.failed("cannot check " + principal.source() + " (" + kind + " " + name + ") at "
          + endpoint + ": iam:Get" + (kind.equals("role") ? "Role" : "User") + " answered "
          + AwsFailures.errorCode(e) + "; the worker needs that permission");
    }
  }
}
