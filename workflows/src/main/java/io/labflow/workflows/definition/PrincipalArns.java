package io.labflow.workflows.definition;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code format: arn} of a parameter: the ARN of one IAM principal (a role, a user or an
 * account's root) that may end up in a trust or permission policy. No wildcard, no {@code *},
 * nothing but a well-formed ARN of an allowed type; which accounts are allowed is checked when the
 * run starts, against the worker's own account.
 */
public final class PrincipalArns {

  /** The principal types a definition may allow with {@code arnTypes}. */
  public static final List<String> TYPES = List.of("role", "user", "root");

  /** The types allowed when a definition names none. */
  public static final List<String> DEFAULT_TYPES = List.of("role", "user");

  private static final Pattern ARN =
      Pattern.compile("^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::([0-9]{12}):(.+)$");

  /** IAM names and paths: letters, digits and {@code +=,.@_-}. */
  private static final Pattern ROLE_OR_USER =
      Pattern.compile("^(role|user)(/[A-Za-z0-9+=,.@_-]+)*/([A-Za-z0-9+=,.@_-]{1,64})$");

  private PrincipalArns() {}

  /**
   * Why a value is not the ARN of one principal of these types, or empty when it is.
   *
   * @param types allowed types, from {@link #TYPES}; null or empty means {@link #DEFAULT_TYPES}
   */
  public static Optional<String> problem(String value, List<String> types) {
    List<String> allowed = types == null || types.isEmpty() ? DEFAULT_TYPES : types;
    String expected = "expected the ARN of one IAM " + String.join(" or ", allowed)
        + ", such as arn:aws:iam::123456789012:role/my-role";
    if (value.contains("*") || value.contains("?")) {
      return Optional.of("contains a wildcard: a trust policy with it would let any matching"
          + " principal in; " + expected);
    }
    Matcher m = ARN.matcher(value);
    if (!m.matches()) {
      return Optional.of("is not an IAM principal ARN; " + expected);
    }
    String resource = m.group(3);
    String type = resource.equals("root") ? "root" : resource.split("/", 2)[0];
    if (!resource.equals("root") && !ROLE_OR_USER.matcher(resource).matches()) {
      return Optional.of("is not a well-formed role, user or root ARN; " + expected);
    }
    if (!allowed.contains(type)) {
      return Optional.of("names " + (type.equals("root") ? "an account root" : "a " + type)
          + ", which this parameter does not allow; " + expected);
    }
    return Optional.empty();
  }

  /** The 12-digit account of a well-formed principal ARN. */
  public static Optional<String> account(String arn) {
    Matcher m = ARN.matcher(arn);
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
  }
}
