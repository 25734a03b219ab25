package io.labflow.worker.doctor;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.worker.render.WorkerPolicyScope;
import io.labflow.workflows.lab.FailureTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * Whether the worker's own principal holds every permission a definition's labs need: the policy
 * {@code labflow worker-policy --definition} generates for it (its steps and the nightly sweep),
 * pinned to the worker's account and region, asked of IAM's policy simulator
 * ({@code iam:SimulatePrincipalPolicy} on the worker's user or role) one statement at a time, with
 * the request context labflow's requests carry. An action counts as granted when the simulator
 * allows it on one of its statement's resources (a statement groups actions of several resource
 * types). One row per definition.
 */
final class PermissionCheck {

  private PermissionCheck() {}

  static List<Row> rows(Doctor s) {
    if (s.definitions().isEmpty()) {
      return List.of(Row.unknown("permissions", "no definition in " + s.definitionsDir()
          + ", so no lab's needs are known"));
    }
    return s.eachDefinition("permissions", (name, d) -> {
      WorkerPolicyScope scope = WorkerPolicyScope.of(d, s.siteOrNone());
      String check = "permissions " + name;
      return Stream.concat(Stream.of(check(s, check, name, scope)),
          scope.lacks().stream().map(l -> Row.unknown(check, l))).toList();
    });
  }

  private static Row check(Doctor s, String check, String name, WorkerPolicyScope scope) {
    if (scope.namePrefix().isEmpty()) {
      return Row.unknown(check, "its role, policy, profile and stack names share no literal"
          + " prefix, so the resources to ask about are unknown");
    }
    String region = s.aws().clients().sts().serviceClientConfiguration().region().id();
    String command = "labflow worker-policy --definition " + name + " --account "
        + s.identity().account() + " --region " + region;
    String document;
    try {
      document = scope.policy(s.definitionsDir(), s.identity().account(), region, null, null)
          .document();
    } catch (IllegalArgumentException bad) {
      return Row.unknown(check, bad.getMessage());
    }
    List<SimulatorRequests.Request> requests = SimulatorRequests.of(document);
    long needed = requests.stream().flatMap(r -> r.actions().stream()).distinct().count();
    String principal = AwsPreflight.principalArn(s.identity().arn());
    Map<String, String> missing = new LinkedHashMap<>();
    try {
      for (SimulatorRequests.Request r : requests) {
        Set<String> granted = new LinkedHashSet<>();
        Map<String, String> denied = new LinkedHashMap<>();
        // One resource at a time (the simulator then names it in each result); none for "*".
        for (String resource : r.resources().isEmpty() ? Collections.singletonList((String) null)
            : r.resources()) {
          for (EvaluationResult result : s.aws().clients().iam().simulatePrincipalPolicyPaginator(
              q -> q.policySourceArn(principal).actionNames(r.actions()).contextEntries(r.context())
                  .resourceArns(resource == null ? null : List.of(resource))).evaluationResults()) {
            if (result.evalDecision() == PolicyEvaluationDecisionType.ALLOWED) {
              granted.add(result.evalActionName());
            } else {
              denied.putIfAbsent(result.evalActionName(), result.evalDecisionAsString() + " on "
                  + (resource == null ? "*" : resource));
            }
          }
        }
        r.actions().stream().filter(a -> !granted.contains(a)).forEach(a -> missing.put(a,
            denied.getOrDefault(a, "not evaluated") + ", statement " + r.sid()));
      }
    } catch (AwsServiceException e) {
      String code = AwsFailures.errorCode(e);
      String what = "the " + needed + " IAM actions of `" + command + "` are not checked";
      if (FailureTypes.ACCESS_DENIED.equals(code)) {
        return Row.unknown(check, principal + " may not call iam:SimulatePrincipalPolicy on"
            + " itself, so " + what + "; to have them checked, grant it that action on its own ARN"
            + " (docs/real-aws.md, section 8)");
      }
      return Row.unknown(check, "IAM's policy simulator is not available at "
          + Doctor.endpoint(s.aws()) + " (" + (code.isEmpty() ? "" : code + ", ") + "HTTP "
          + e.statusCode() + "), so " + what);
    } catch (SdkException e) {
      return Row.unknown(check, "IAM's policy simulator did not answer ("
          + AwsPreflight.firstLine(e.getMessage()) + "), so the needs of `" + command
          + "` are not checked");
    }
    if (missing.isEmpty()) {
      return Row.ok(check, "all " + needed + " IAM actions granted to " + principal
          + " (IAM policy simulator, " + requests.size() + " statements of `" + command + "`)");
    }
    return Row.fail(check, missing.size() + " of " + needed + " IAM actions not granted to "
        + principal + ": " + missing.entrySet().stream()
            .map(m -> m.getKey() + " (" + m.getValue() + ")").collect(Collectors.joining("; ")),
        "grant " + String.join(", ", missing.keySet()) + " to " + principal
            + ", as in the policy `" + command + "` prints (docs/real-aws.md installs the"
            + " shipped one)");
  }

  /**
   * The requests that prove a worker policy granted, one per statement: its actions, on a resource
   * of each of its ARN patterns, with the request context its condition reads (the lab tag on the
   * request or the resource, {@code iam:PassedToService}, {@code aws:CalledVia}, ...), as labflow's
   * own requests carry it. Read from the document the generator writes, so the needs are the ones
   * {@code labflow worker-policy} prints and nothing else.
   */
  static final class SimulatorRequests {

    /** What stands for a name or id in a resource ARN and for a lab tag's value. */
    static final String SAMPLE = "doctor";

    private static final ObjectMapper JSON = new ObjectMapper()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    /**
     * One statement's request, read from the statement as the generator writes it (one value or a
     * list alike).
     *
     * @param sid the statement's id
     * @param actions its actions
     * @param resources one sample ARN per resource pattern; empty for {@code "*"}
     * @param condition the statement's condition block, by operator and key
     */
    record Request(@JsonProperty("Sid") String sid, @JsonProperty("Action") List<String> actions,
        @JsonProperty("Resource") List<String> resources,
        @JsonProperty("Condition") Map<String, Map<String, List<String>>> condition) {

      Request {
        resources = resources.stream().filter(r -> !r.equals("*"))
            .map(r -> r.replace("*", SAMPLE)).toList();
        condition = condition == null ? Map.of() : condition;
      }

      /** The condition keys with values that satisfy the condition, as labflow's requests do. */
      List<ContextEntry> context() {
        List<ContextEntry> out = new ArrayList<>();
        condition.forEach((op, keys) -> keys.forEach((key, values) -> {
          if (op.equals("Null") && values.equals(List.of("true"))) {
            return; // the key must be absent
          }
          out.add(ContextEntry.builder().contextKeyName(key)
              // "Null": false, the key must be present, with any value.
              .contextKeyValues(op.equals("Null") ? List.of(SAMPLE)
                  : values.stream().map(v -> v.replace("*", SAMPLE)).toList())
              .contextKeyType(op.startsWith("ForAnyValue:") || op.startsWith("ForAllValues:")
                  ? ContextKeyTypeEnum.STRING_LIST : ContextKeyTypeEnum.STRING)
              .build());
        }));
        return out;
      }
    }

    static List<Request> of(String policyDocument) {
      try {
        return JSON.readerForListOf(Request.class)
            .readValue(JSON.readTree(policyDocument).get("Statement"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
