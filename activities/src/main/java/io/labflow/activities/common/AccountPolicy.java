package io.labflow.activities.common;

import static java.util.stream.Collectors.toSet;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which AWS accounts the worker may act in: the worker's configuration, read once.
 *
 * <ul>
 *   <li>{@code LABFLOW_ALLOWED_ACCOUNTS}: comma-separated 12-digit account ids;
 *   <li>with that list empty, a local endpoint ({@code AWS_ENDPOINT_URL} on a loopback address:
 *       an emulator) allows only the emulators' account {@value #EMULATOR_ACCOUNT}, so a tunnel
 *       on localhost to a real account is still refused; any other endpoint (real AWS) is refused;
 *   <li>an account alias containing {@code prod} is refused unless {@code
 *       LABFLOW_ALLOW_PRODUCTION_ALIAS} names it.
 * </ul>
 *
 * @param allowed the configured account ids, sorted
 * @param endpoint the global endpoint override, or null for real AWS
 * @param allowedAlias an alias containing "prod" that is nevertheless allowed, or null
 */
public record AccountPolicy(Set<String> allowed, String endpoint, String allowedAlias) {

  /** The environment variable listing the allowed accounts. */
  public static final String ENV = "LABFLOW_ALLOWED_ACCOUNTS";
  /** The environment variable allowing one production-looking alias. */
  public static final String ALLOW_ALIAS_ENV = "LABFLOW_ALLOW_PRODUCTION_ALIAS";
  /** The account moto (and LocalStack's default) reports. */
  public static final String EMULATOR_ACCOUNT = "123456789012";

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  public AccountPolicy {
    allowed = Collections.unmodifiableSortedSet(new TreeSet<>(allowed));
    for (String a : allowed) {
      if (!ACCOUNT.matcher(a).matches()) {
        throw new IllegalArgumentException(
            ENV + ": '" + a + "' is not a 12-digit AWS account id");
      }
    }
    endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.strip();
    allowedAlias = allowedAlias == null || allowedAlias.isBlank() ? null : allowedAlias.strip();
  }

  /**
   * From the worker's environment ({@value #ENV}, {@code AWS_ENDPOINT_URL}), or the equivalent
   * system properties ({@code labflow.allowedAccounts}, {@code aws.endpointUrl}), which win as they
   * do for the AWS SDK.
   *
   * @throws IllegalArgumentException when an entry is not an account id
   */
  public static AccountPolicy fromEnvironment() {
    String list = Objects.requireNonNullElse(setting("labflow.allowedAccounts", ENV), "");
    return new AccountPolicy(
        Arrays.stream(list.split("[,\\s]+")).filter(s -> !s.isBlank()).collect(toSet()),
        setting("aws.endpointUrl", "AWS_ENDPOINT_URL"),
        setting("labflow.allowProductionAlias", ALLOW_ALIAS_ENV));
  }

  /**
   * A setting of the worker: the system property, else the environment variable, as the AWS SDK
   * reads its own. The one reader of labflow's settings in the step library and the worker.
   */
  public static String setting(String property, String env) {
    String p = System.getProperty(property);
    return p != null && !p.isBlank() ? p : System.getenv(env);
  }

  /** Whether the endpoint override points at this machine (an emulator). */
  public boolean localEndpoint() {
    if (endpoint == null) {
      return false;
    }
    try {
      String host = URI.create(endpoint).getHost();
      // Only literal addresses: resolving a name could reach the network.
      return "localhost".equals(host)
          || host != null
              && host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")
              && InetAddress.getByName(host.replace("[", "").replace("]", ""))
                  .isLoopbackAddress();
    } catch (IllegalArgumentException | UnknownHostException e) {
      return false;
    }
  }

  /** The accounts really allowed: the list, or the emulator's account on a local endpoint. */
  public Set<String> effective() {
    if (allowed.isEmpty() && localEndpoint()) {
      return Set.of(EMULATOR_ACCOUNT);
    }
    return allowed;
  }

  /**
   * Why this account is refused, as a sentence that says how to allow it; null when allowed.
   *
   * @param account the caller's account id
   * @param arn the caller's ARN
   */
  public String refusal(String account, String arn) {
    if (effective().contains(account)) {
      return null;
    }
    return "labflow refuses to act in AWS account " + account + " (" + arn + " on "
        + (endpoint == null ? "AWS" : "the endpoint " + endpoint) + "): " + (allowed.isEmpty()
        ? "no account is allowed yet; if this account is meant for labs, set " + ENV + "="
            + account + " in the worker's environment."
        : "it is not among the allowed accounts " + String.join(",", allowed)
            + "; if it is meant for labs, add it to " + ENV + " in the worker's environment.");
  }

  /**
   * Why an account with these aliases is refused (the first that looks like production and is not
   * explicitly allowed), as a sentence that says how to allow it; null when none is.
   */
  public String aliasRefusal(String account, Iterable<String> aliases) {
    for (String a : aliases) {
      if (a.toLowerCase(Locale.ROOT).contains("prod") && !a.equals(allowedAlias)) {
        return "AWS account " + account + " has the alias '" + a + "', which looks like"
            + " production; labflow refuses it. Use a sandbox account, or, if this account is"
            + " meant for labs, set " + ALLOW_ALIAS_ENV + "=" + a + " in the worker's environment.";
      }
    }
    return null;
  }

  /** One line for {@code labflow plan}: which accounts a run may act in, and where that is set. */
  public String describe() {
    if (!allowed.isEmpty()) {
      return "AWS accounts allowed: " + String.join(", ", allowed) + " (" + ENV + ")";
    }
    if (localEndpoint()) {
      return "AWS accounts allowed: " + EMULATOR_ACCOUNT + " only (the emulator at " + endpoint
          + "; " + ENV + " is empty)";
    }
    return "AWS accounts allowed: none (" + ENV + " is empty): set " + ENV
        + "=<account id> in the worker's environment, or a run is refused before it creates"
        + " anything";
  }
}
