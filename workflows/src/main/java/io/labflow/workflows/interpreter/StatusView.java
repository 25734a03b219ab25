package io.labflow.workflows.interpreter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.lab.StepStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step statuses as the {@code status} query shows them: an output that holds a JSON document (a
 * policy's {@code document}, any {@code ...Document}) is shown as the JSON object it is, not as an
 * escaped string. Expressions keep seeing the string the activity returned.
 */
final class StatusView {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusView() {}

  static List<StepStatus> of(List<StepStatus> steps) {
    return steps.stream()
        .map(s -> new StepStatus(
            s.id(), s.action(), s.state(), s.attempt(), outputs(s.outputs()), s.lastError()))
        .toList();
  }

  static Map<String, Object> outputs(Map<String, Object> outputs) {
    if (outputs == null || outputs.isEmpty()) {
      return outputs;
    }
    Map<String, Object> out = new LinkedHashMap<>(outputs.size());
    for (Map.Entry<String, Object> e : outputs.entrySet()) {
      out.put(e.getKey(), isDocument(e.getKey()) ? parsed(e.getValue()) : e.getValue());
    }
    return out;
  }

  private static boolean isDocument(String key) {
    return key.equals("document") || key.endsWith("Document");
  }

  private static Object parsed(Object value) {
    if (value instanceof String s && s.stripLeading().startsWith("{")) {
      try {
        return JSON.readValue(s, Map.class);
      } catch (JsonProcessingException e) {
        return value;
      }
    }
    return value;
  }
}
