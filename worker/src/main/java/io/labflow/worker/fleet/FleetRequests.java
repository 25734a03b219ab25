package io.labflow.worker.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetKeys;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.yaml.Suggestions;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes {@link FleetRequest}s: strict on input, so bad input fails the night, not a task. */
public final class FleetRequests {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // Fingerprints of requests compare JSON text: map order must not depend on the JVM.
      .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  /** The most a fleet request may hold: Temporal refuses a larger payload anyway. */
  static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;

  private FleetRequests() {}

  /** The request a fleet's Schedule passes, keeping the releases it had. */
  public static FleetRequest of(Fleet fleet, Map<String, Long> releases) {
    List<FleetRequest.Lab> labs = fleet.labs().stream()
        .map(l -> new FleetRequest.Lab(l.id(), l.variant(), new LinkedHashMap<>(l.parameters())))
        .toList();
    // The default is left out of the request, so an unchanged fleet file keeps its fingerprint.
    String shortfall = FleetKeys.AS_MANY_AS_FIT.equals(fleet.quotaShortfall()) ? null : fleet.quotaShortfall();
    return new FleetRequest(fleet.name(), fleet.definition(), fleet.concurrency(), fleet.quarantineAfter(),
        labs, releases, null, shortfall);
  }

  /**
   * The request in this raw payload, read within the input limits (the whole of Temporal's payload
   * limit: a fleet is as large as it needs), or a non-retryable {@code InvalidFleetRequest}
   * failure saying what is wrong.
   */
  public static FleetRequest parse(RawValue input) {
    Object json;
    try {
      json = RawJson.read(input, "the fleet request", MAX_REQUEST_BYTES);
    } catch (IllegalArgumentException wrong) {
      throw invalid(wrong.getMessage());
    }
    return parse(json == null ? null : JSON.valueToTree(json));
  }

  /**
   * The request in this JSON, or a non-retryable {@code InvalidFleetRequest} failure naming the
   * field that is wrong.
   */
  public static FleetRequest parse(JsonNode input) {
    if (input == null || input.isNull() || input.isMissingNode()) {
      throw invalid("the fleet request is missing");
    }
    if (input.isObject()) {
      // A typo is named as such before the field it stands for is reported missing.
      List<String> known = java.util.Arrays.stream(FleetRequest.class.getRecordComponents())
          .map(java.lang.reflect.RecordComponent::getName).toList();
      for (java.util.Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!known.contains(k)) {
          throw invalid("fleet request: " + k + ": unknown field '" + k + "'" + Suggestions.hint(k, known));
        }
      }
    }
    try {
      return JSON.treeToValue(input, FleetRequest.class);
    } catch (JsonMappingException e) {
      throw invalid(path(e) + ": " + reason(e));
    } catch (Exception e) {
      throw invalid(String.valueOf(e.getMessage()));
    }
  }

  /** The report in a previous night's result, or null when there is none or it cannot be read. */
  public static FleetReport previousReport(JsonNode result) {
    if (result == null || result.isNull() || result.isMissingNode()) {
      return null;
    }
    try {
      return JSON.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .treeToValue(result, FleetReport.class);
    } catch (Exception e) {
      return null;
    }
  }

  public static JsonNode toJson(Object value) {
    return JSON.valueToTree(value);
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "fleet request" : "fleet request: " + sb;
  }

  private static String reason(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      return "unknown field '" + u.getPropertyName() + "'" + Suggestions.hint(u.getPropertyName(), known);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String what = kind(m.getTargetType());
      String original = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
      return original.startsWith("Cannot map `null`") ? "is required (" + what + ")" : "must be " + what;
    }
    Throwable c = e.getCause();
    if (c instanceof IllegalArgumentException && c.getMessage() != null) {
      return c.getMessage();
    }
    String m = e.getOriginalMessage() == null ? "cannot be read" : e.getOriginalMessage();
    int cut = m.indexOf('\n');
    m = cut < 0 ? m : m.substring(0, cut);
    return m.replaceAll(" \\(class [^)]*\\)", "").replaceAll("`[a-z.]+\\.([A-Za-z$]+)`", "$1");
  }

  private static String kind(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.INVALID_REQUEST);
  }
}
