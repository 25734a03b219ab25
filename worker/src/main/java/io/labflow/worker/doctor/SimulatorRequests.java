package io.labflow.worker.doctor;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
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

  private SimulatorRequests() {}

  static List<Request> of(String policyDocument) {
    try {
      return JSON.readerForListOf(Request.class)
          .readValue(JSON.readTree(policyDocument).get("Statement"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
