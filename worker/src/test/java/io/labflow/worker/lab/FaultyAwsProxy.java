package io.labflow.worker.lab;

import io.labflow.activities.testing.AwsProxy;
import io.labflow.activities.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of moto that makes it answer like real AWS: throttling and 5xx on some
 * requests (answered without forwarding, so nothing is done twice), and eventual consistency.
 *
 * <ul>
 *   <li>A new instance profile is refused by {@code AssociateIamInstanceProfile} with EC2's
 *       "Invalid IAM Instance Profile name" for {@link Lags#profile}.
 *   <li>A new role cannot be assumed ({@code AssumeRole}: AccessDenied) for {@link Lags#role}.
 *   <li>A newly attached policy is not in effect for {@link Lags#attach}: S3 requests of the role's
 *       sessions are denied; a new policy version is not in effect for {@link Lags#version}: S3
 *       {@code PutObject} of the sessions of roles holding the policy is denied, as the old
 *       read-only version would answer.
 *   <li>CloudFormation answers {@code CREATE_IN_PROGRESS} (without outputs) for {@link
 *       Lags#stackCreate} after a {@code CreateStack}, and {@code DELETE_IN_PROGRESS} for {@link
 *       Lags#stackDelete} after a {@code DeleteStack} (moto does both at once).
 * </ul>
 *
 * <p>The first successful {@code CreateRole}, {@code CreatePolicy}, {@code CreateInstanceProfile}
 * and {@code CreatePolicyVersion} lose their answer (500 after moto did the work), so the SDK's
 * and Temporal's retries must adopt what exists instead of creating it again.
 *
 * <p>Requests reach moto through {@link RawHttp} with their Host header intact, so SigV4
 * signatures still verify when moto enforces IAM. It counts, per query action (or {@code
 * S3.<METHOD>}), the requests moto answered with 2xx, and each injected fault by kind.
 */
final class FaultyAwsProxy implements AutoCloseable {

  /** How long each kind of change takes to propagate. */
  record Lags(Duration profile, Duration role, Duration attach, Duration version,
      Duration stackCreate, Duration stackDelete) {}

  private static final Pattern ACCESS_KEY = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");
  private static final Pattern STACK_NAME = Pattern.compile("<StackName>([^<]+)</StackName>");

  private final Lags lags;
  private final double throttle;
  private final double unavailable;
  private final Random random = new Random(42);
  private final AwsProxy proxy;
  private final Map<String, Integer> succeeded = new TreeMap<>();
  private final Map<String, Integer> injected = new TreeMap<>();
  // Propagation state: what changed, by name.
  private final Changes profiles = new Changes();
  private final Changes roles = new Changes();
  private final Changes attached = new Changes();
  private final Changes versions = new Changes();
  private final Map<String, List<String>> rolesOfPolicy = new HashMap<>();
  private final Map<String, String> roleOfSession = new HashMap<>();
  private final Changes stacksCreated = new Changes();
  private final Changes stacksDeleted = new Changes();
  private final Map<String, String> lastDescribe = new HashMap<>();
  private final java.util.Set<String> justFaulted = new java.util.HashSet<>();
  private final java.util.Set<String> lost = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.util.Set<String> LOSE_ANSWER_OF =
      java.util.Set.of("CreateRole", "CreatePolicy", "CreatePolicyVersion", "CreateInstanceProfile");

  /** A proxy to moto at {@code target} on a free loopback port. */
  FaultyAwsProxy(String target, Lags lags, double throttle, double unavailable) throws IOException {
    this.lags = lags;
    this.throttle = throttle;
    this.unavailable = unavailable;
    proxy = new AwsProxy(target, "faulty-aws-proxy", this::handle);
  }

  String endpoint() {
    return proxy.endpoint();
  }

  /** Requests of this query action (or {@code S3.<METHOD>}) that moto answered with 2xx. */
  synchronized int succeeded(String action) {
    return succeeded.getOrDefault(action, 0);
  }

  /** Faults injected, by kind. */
  synchronized Map<String, Integer> injected() {
    return new TreeMap<>(injected);
  }

  private RawHttp.Response handle(AwsProxy.Request r, AwsProxy.Forwarder moto) throws IOException {
    String action = r.action();
    RawHttp.Response answer = before(r.service(), action, r.form(), r.accessKey(), r);
    if (answer == null) {
      answer = after(action, r.form(), moto.forward(r));
      if (LOSE_ANSWER_OF.contains(action) && answer.status() / 100 == 2 && lost.add(action)) {
        // AWS did the work, the answer is lost: the first success of each of these actions.
        answer = fault("answer-lost", r.service(), 500, "InternalFailure", "We encountered an internal error");
      }
    }
    return answer;
  }

  /** A fault to answer instead of forwarding, or null to forward. */
  private synchronized RawHttp.Response before(String service, String action, Map<String, String> form,
      String accessKey, AwsProxy.Request ex) {
    if (service.isEmpty()) {
      return null;
    }
    // Never two random faults in a row for one action: the SDK's own retry then always gets
    // through, so a step is not failed by luck (the run stays reproducible in its outcome).
    double dice = justFaulted.remove(action) ? 1.0 : random.nextDouble();
    if (dice < throttle + unavailable) {
      justFaulted.add(action);
    }
    if (dice < throttle) {
      return fault("throttled", service, service.equals("s3") ? 503 : 400,
          switch (service) { case "s3" -> "SlowDown"; case "ec2" -> "RequestLimitExceeded"; default -> "Throttling"; },
          "Rate exceeded");
    }
    if (dice < throttle + unavailable) {
      return fault("unavailable", service, 503, service.equals("ec2") ? "Unavailable" : "ServiceUnavailable",
          "Service is unavailable, try again");
    }
    if ((action.equals("AssociateIamInstanceProfile") || action.equals("ReplaceIamInstanceProfileAssociation"))
        && profiles.lagging(form.get("IamInstanceProfile.Name"), lags.profile())) {
      String name = form.get("IamInstanceProfile.Name");
      return fault("profile-not-yet-visible", service, 400, "InvalidParameterValue",
          "Value (" + name + ") for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name");
    }
    if (action.equals("AssumeRole")) {
      String roleName = afterLast(form.getOrDefault("RoleArn", ""), "/");
      if (roles.lagging(roleName, lags.role())) {
        return fault("role-not-yet-assumable", service, 403, "AccessDenied",
            "User is not authorized to perform: sts:AssumeRole on resource: " + form.get("RoleArn"));
      }
    }
    String sessionRole = roleOfSession.get(accessKey);
    if (service.equals("s3") && sessionRole != null) {
      if (attached.lagging(sessionRole, lags.attach())) {
        return fault("policy-not-yet-in-effect", service, 403, "AccessDenied", "Access Denied");
      }
      // Only a PutObject looks at the new version (and so is the first to see it).
      boolean put = ex.method().equals("PUT") && ex.uri().getPath().split("/").length > 2;
      if (put && rolesOfPolicy.entrySet().stream().anyMatch(p -> p.getValue().contains(sessionRole)
          && versions.lagging(p.getKey(), lags.version()))) {
        return fault("policy-version-not-yet-in-effect", service, 403, "AccessDenied", "Access Denied");
      }
    }
    if (action.equals("DescribeStacks")) {
      String name = stackName(form.getOrDefault("StackName", ""));
      if (lastDescribe.containsKey(name) && stacksDeleted.lagging(name, lags.stackDelete())) {
        count("stack-delete-in-progress");
        String cached = lastDescribe.get(name).replaceAll("<StackStatus>[A-Z_]+</StackStatus>",
            "<StackStatus>DELETE_IN_PROGRESS</StackStatus>");
        return new RawHttp.Response(200, List.of(Map.entry("Content-Type", "text/xml")),
            cached.getBytes(StandardCharsets.UTF_8));
      }
    }
    return null;
  }

  /** Records what moto did and rewrites answers that would reveal it at once. */
  private synchronized RawHttp.Response after(String action, Map<String, String> form, RawHttp.Response r) {
    if (r.status() / 100 != 2) {
      return r;
    }
    succeeded.merge(action, 1, Integer::sum);
    long now = System.nanoTime();
    switch (action) {
      case "CreateInstanceProfile", "AddRoleToInstanceProfile" -> profiles.put(form.get("InstanceProfileName"), now);
      case "CreateRole" -> roles.put(form.get("RoleName"), now);
      case "AttachRolePolicy" -> {
        attached.put(form.get("RoleName"), now);
        rolesOfPolicy.computeIfAbsent(form.get("PolicyArn"), k -> new ArrayList<>()).add(form.get("RoleName"));
      }
      case "CreatePolicyVersion" -> versions.put(form.get("PolicyArn"), now);
      case "AssumeRole" -> {
        Matcher key = ACCESS_KEY.matcher(r.text());
        if (key.find()) {
          roleOfSession.put(key.group(1), afterLast(form.getOrDefault("RoleArn", ""), "/"));
        }
      }
      case "CreateStack" -> stacksCreated.put(form.get("StackName"), now);
      case "DeleteStack" -> stacksDeleted.put(stackName(form.getOrDefault("StackName", "")), now);
      case "DescribeStacks" -> {
        Matcher name = STACK_NAME.matcher(r.text());
        if (name.find()) {
          lastDescribe.put(name.group(1), r.text());
          if (r.text().contains("<StackStatus>CREATE_COMPLETE</StackStatus>")
              && stacksCreated.lagging(name.group(1), lags.stackCreate())) {
            count("stack-create-in-progress");
            return r.withBody(r.text()
                .replace("<StackStatus>CREATE_COMPLETE</StackStatus>", "<StackStatus>CREATE_IN_PROGRESS</StackStatus>")
                .replaceAll("(?s)<Outputs>.*?</Outputs>", ""));
          }
        }
      }
      default -> { }
    }
    return r;
  }

  private RawHttp.Response fault(String kind, String service, int status, String code, String message) {
    count(kind);
    String id = UUID.randomUUID().toString();
    String xml = switch (service) {
      case "s3" -> "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
          + message + "</Message><RequestId>" + id + "</RequestId></Error>";
      case "ec2" -> "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code
          + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>" + id + "</RequestID></Response>";
      default -> "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
          + "</Message></Error><RequestId>" + id + "</RequestId></ErrorResponse>";
    };
    return new RawHttp.Response(status, List.of(Map.entry("Content-Type", "text/xml")),
        xml.getBytes(StandardCharsets.UTF_8));
  }

  private void count(String kind) {
    injected.merge(kind, 1, Integer::sum);
  }

  /**
   * When each thing changed, by name. A change lags for its lag and, however slow the machine,
   * for the first request that looks at it: every run meets every kind of lag (before, a run on a
   * loaded machine could reach the role's first S3 request after the attached policy's lag).
   */
  private static final class Changes {
    private final Map<String, Long> at = new HashMap<>();
    private final java.util.Set<String> unseen = new java.util.HashSet<>();

    void put(String name, long now) {
      at.put(name, now);
      unseen.add(name);
    }

    boolean lagging(String name, Duration lag) {
      Long changed = name == null ? null : at.get(name);
      boolean first = name != null && unseen.remove(name);
      return changed != null && (first || System.nanoTime() - changed < lag.toNanos());
    }
  }

  /** The stack name of a name or stack id ({@code arn:...:stack/NAME/uuid}). */
  private static String stackName(String nameOrId) {
    int i = nameOrId.indexOf(":stack/");
    return i < 0 ? nameOrId : nameOrId.substring(i + 7).split("/")[0];
  }

  private static String afterLast(String s, String sep) {
    return s.substring(s.lastIndexOf(sep) + 1);
  }

  @Override
  public void close() {
    proxy.close();
  }
}
