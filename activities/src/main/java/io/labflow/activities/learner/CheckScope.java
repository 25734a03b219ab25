package io.labflow.activities.learner;

import com.fasterxml.jackson.databind.JsonNode;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a managed policy's document: does it allow exactly these S3 actions, each on the resource
 * it acts on (the bucket, or the bucket's objects), and nothing else?
 */
final class CheckScope {

  private CheckScope() {}

  /** The check's answer for this document of {@code policy}. */
  static CheckOutput read(JsonNode document, String policy, String bucket, List<String> actions) {
    String bucketArn = PolicyDocuments.bucketArn(bucket);
    String objectsArn = PolicyDocuments.objectsArn(bucket);
    String p = "policy " + policy;
    // Each allowed action (IAM compares them ignoring case) with the resources it is allowed on.
    Map<String, Set<String>> allowedOn = new LinkedHashMap<>();
    Map<String, String> spelled = new LinkedHashMap<>();
    for (JsonNode st : CheckTrust.statements(document)) {
      if (st.has("NotAction")) {
        return CheckOutput.fail(p + " uses NotAction, which allows every action it does not name;"
            + " name the actions instead");
      }
      if (st.has("NotResource")) {
        return CheckOutput.fail(p + " uses NotResource, which allows every resource it does not"
            + " name; name bucket " + bucket + " instead");
      }
      List<String> stActions = CheckTrust.strings(st.path("Action"));
      if (!"Allow".equals(st.path("Effect").asText())) {
        return CheckOutput.fail(p + " has a statement that denies " + String.join(", ", stActions)
            + "; this task needs only statements that allow");
      }
      List<String> resources = CheckTrust.strings(st.path("Resource"));
      for (String r : resources) {
        if (r.equals("*")) {
          return CheckOutput.fail(p + " allows " + String.join(", ", stActions)
              + " on every resource (\"*\"); allow them only on bucket " + bucket + " ("
              + bucketArn + " and " + objectsArn + ")");
        }
        if (!r.equals(bucketArn) && !r.equals(objectsArn)) {
          return CheckOutput.fail(p + " allows " + String.join(", ", stActions) + " on " + r
              + ", which is neither bucket " + bucket + " nor its objects");
        }
      }
      for (String a : stActions) {
        String key = a.toLowerCase(Locale.ROOT);
        spelled.putIfAbsent(key, a);
        allowedOn.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(resources);
      }
    }
    Set<String> expected = new LinkedHashSet<>();
    actions.forEach(a -> expected.add(a.toLowerCase(Locale.ROOT)));
    for (String a : allowedOn.keySet()) {
      if (!expected.contains(a)) {
        return CheckOutput.fail(p + " also allows " + spelled.get(a)
            + ", which this task does not allow");
      }
    }
    for (String a : actions) {
      Set<String> on = allowedOn.get(a.toLowerCase(Locale.ROOT));
      if (on == null) {
        return CheckOutput.fail(p + " does not allow " + a + ", which this task needs");
      }
      boolean onBucket = PolicyDocuments.isBucketAction(a);
      String needed = onBucket ? bucketArn : objectsArn;
      if (!on.contains(needed)) {
        return CheckOutput.fail(p + " allows " + a + " only on " + String.join(", ", on)
            + ", so it cannot work: " + a + " acts on " + (onBucket ? "the bucket itself" : "objects")
            + ", " + needed);
      }
    }
    return CheckOutput.pass(p + " allows exactly " + String.join(", ", actions) + " on bucket "
        + bucket);
  }
}
