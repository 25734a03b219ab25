package io.labflow.worker.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;

/**
 * The requests that prove a worker policy granted, one per statement: its actions, on a resource
 * of each of its ARN patterns, with the request context its condition reads (the lab tag on the
 * request or the resource, {@code iam:PassedToService}, {@code aws:CalledVia}, ...), as labflow's
 * own requests carry it. Read from the document the generator writes, so the needs are the ones
 * {@code labflow worker-policy} prints and nothing else.
 */
final class SimulatorRequests {

  /** What stands for a name or id in a resource ARN and for a lab tag's value. */
  static final String SAMPLE = "doctor";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One statement's request.
   *
   * @param sid the statement's id
   * @param actions its actions
   * @param resources one sample ARN per resource pattern; empty for {@code "*"}
   * @param context the condition keys with values that satisfy the condition
   */
  record Request(String sid, List<String> actions, List<String> resources,
      List<ContextEntry> context) {}

  private SimulatorRequests() {}

  static List<Request> of(String policyDocument) {
    JsonNode doc;
    try {
      doc = JSON.readTree(policyDocument);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Request> out = new ArrayList<>();
    for (JsonNode st : doc.path("Statement")) {
      List<String> resources = new ArrayList<>();
      for (String r : strings(st.path("Resource"))) {
        if (!r.equals("*")) {
          resources.add(r.replace("*", SAMPLE));
        }
      }
      out.add(new Request(st.path("Sid").asText(), strings(st.path("Action")), resources,
          context(st.path("Condition"))));
    }
    return out;
  }

  /** Context entries that satisfy a condition block of the generator's operators. */
  private static List<ContextEntry> context(JsonNode condition) {
    List<ContextEntry> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> op : condition.properties()) {
      for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
        List<String> values = strings(key.getValue());
        if (op.getKey().equals("Null")) {
          if (values.equals(List.of("true"))) {
            continue; // the key must be absent
          }
          values = List.of(SAMPLE); // the key must be present, with any value
        }
        out.add(ContextEntry.builder().contextKeyName(key.getKey())
            .contextKeyValues(values.stream().map(v -> v.replace("*", SAMPLE)).toList())
            .contextKeyType(op.getKey().startsWith("ForAnyValue:")
                || op.getKey().startsWith("ForAllValues:")
                ? ContextKeyTypeEnum.STRING_LIST : ContextKeyTypeEnum.STRING)
            .build());
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode()) {
      out.add(node.asText());
    }
    return out;
  }
}
