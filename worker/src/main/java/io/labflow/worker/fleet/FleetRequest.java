package io.labflow.worker.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.fleet.Fleet;
import io.labflow.workflows.fleet.FleetKeys;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.input.InputLimits;
import io.labflow.workflows.input.RequestFields;
import io.temporal.common.converter.RawValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Input of {@link FleetResetWorkflow}, as the fleet's Schedule passes it. It is read as a reset's
 * request is ({@link RequestFields#lab}): every wrong field named at once, as
 * {@code request: FIELD: ...}, failing the night, never a workflow task.
 *
 * @param definition the step file every lab runs
 * @param concurrency how many labs reset at once
 * @param quarantineAfter consecutive failed nights after which a lab is quarantined
 * @param releases lab id to the time (epoch ms) a person released it; a quarantine older than
 *     this is lifted
 * @param progress null when a night starts; set by the workflow when it continues as new
 * @param quotaShortfall {@code none}: reset no lab when they do not all fit the account's quotas;
 *     null or {@code as-many-as-fit}: reset the first that fit
 */
public record FleetRequest(
    String fleet,
    String definition,
    int concurrency,
    int quarantineAfter,
    List<FleetLab> labs,
    Map<String, Long> releases,
    Progress progress,
    @JsonInclude(JsonInclude.Include.NON_NULL) String quotaShortfall) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      // Fingerprints of requests compare JSON text: map order must not depend on the JVM.
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static final List<String> FIELDS = List.of("fleet", "definition", "concurrency",
      "quarantineAfter", "labs", "releases", "progress", "quotaShortfall");

  private static final List<String> LAB_FIELDS = List.of("labId", "variant", "parameters");

  private static final String EXAMPLE = "{\"fleet\":\"iam-class\",\"definition\":\"iam-mini\","
      + "\"concurrency\":5,\"quarantineAfter\":3,\"labs\":[{\"labId\":\"lab-01\"}]}";

  /** The request a fleet's Schedule passes, keeping the releases it had. */
  public static FleetRequest of(Fleet fleet, Map<String, Long> releases) {
    // The default is left out of the request, so an unchanged fleet file keeps its fingerprint.
    String shortfall = FleetKeys.AS_MANY_AS_FIT.equals(fleet.quotaShortfall()) ? null : fleet.quotaShortfall();
    return new FleetRequest(fleet.name(), fleet.definition(), fleet.concurrency(), fleet.quarantineAfter(),
        fleet.labs(), releases, null, shortfall);
  }

  /**
   * The request in this raw payload, read within the input limits (the whole of Temporal's payload
   * limit: a fleet is as large as it needs), or a non-retryable {@code InvalidRequest} failure
   * naming every wrong field.
   */
  public static FleetRequest parse(RawValue input) {
    return parse(RequestFields.object(input, "the fleet request", 2 * 1024 * 1024, EXAMPLE));
  }

  /** The request a fleet's Schedule holds, or the same failure. */
  public static FleetRequest parse(JsonNode json) {
    return parse(JSON.convertValue(json, Map.class));
  }

  private static FleetRequest parse(Map<?, ?> map) {
    List<String> problems = new ArrayList<>();
    RequestFields.unknown(map, FIELDS, Map.of(), problems);
    String fleet = RequestFields.required(map, "fleet", "", problems);
    String definition = RequestFields.required(map, "definition", "", problems);
    int concurrency = whole(map, "concurrency", FleetKeys.MAX_CONCURRENCY, problems);
    int quarantineAfter = whole(map, "quarantineAfter", FleetKeys.MAX_QUARANTINE_AFTER, problems);
    List<FleetLab> labs = labs(map.get("labs"), problems);
    Map<String, Long> releases = releases(map.get("releases"), problems);
    Progress progress = null;
    if (map.get("progress") != null) {
      try {
        progress = JSON.convertValue(map.get("progress"), Progress.class);
      } catch (IllegalArgumentException e) {
        problems.add("request: progress: progress is not what a night carries on");
      }
      if (progress != null && (progress.next() < 0 || progress.next() > labs.size())) {
        problems.add("request: progress: progress.next is out of range");
      }
    }
    String shortfall = RequestFields.name(map, "quotaShortfall", problems);
    if (shortfall != null && !FleetKeys.QUOTA_SHORTFALL.contains(shortfall)) {
      problems.add("request: quotaShortfall: quotaShortfall " + InputLimits.quote(shortfall)
          + " must be " + String.join(" or ", FleetKeys.QUOTA_SHORTFALL));
    }
    if (!problems.isEmpty()) {
      throw RequestFields.invalid(problems);
    }
    return new FleetRequest(fleet, definition, concurrency, quarantineAfter, labs, releases,
        progress, shortfall);
  }

  private static int whole(Map<?, ?> map, String field, int max, List<String> problems) {
    Object v = map.get(field);
    if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 1
        && ((Number) v).longValue() <= max) {
      return ((Number) v).intValue();
    }
    String range = "a whole number from 1 to " + max;
    problems.add("request: " + field + ": " + field + (v == null ? " is required (" + range + ")"
        : " must be " + range + ", got " + InputLimits.describe(v)));
    return 0;
  }

  private static List<FleetLab> labs(Object v, List<String> problems) {
    if (!(v instanceof List<?> items) || items.isEmpty()) {
      problems.add("request: labs: labs must be a non-empty list of labs such as"
          + " [{\"labId\":\"lab-01\"}], got " + (v == null ? "nothing" : InputLimits.describe(v)));
      return List.of();
    }
    List<FleetLab> labs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String at = "request: labs[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> item)) {
        problems.add(at + ": a lab must be a JSON object such as {\"labId\":\"lab-01\"}, got "
            + InputLimits.describe(items.get(i)));
        continue;
      }
      List<String> own = new ArrayList<>();
      RequestFields.unknown(item, LAB_FIELDS, Map.of(), own);
      FleetLab lab = RequestFields.lab(item, own);
      own.forEach(p -> problems.add(p.replaceFirst("^request: ", at + ".")));
      if (own.isEmpty() && !ids.add(lab.labId())) {
        problems.add(at + ".labId: lab " + InputLimits.quote(lab.labId()) + " is listed twice");
      }
      labs.add(lab);
    }
    return labs;
  }

  private static Map<String, Long> releases(Object v, List<String> problems) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (v != null && !(v instanceof Map<?, ?>)) {
      problems.add("request: releases: releases must be a JSON object of lab id to time"
          + " (epoch ms), got " + InputLimits.describe(v));
    } else if (v instanceof Map<?, ?> given) {
      given.forEach((lab, at) -> {
        if (at instanceof Integer || at instanceof Long) {
          out.put(String.valueOf(lab), ((Number) at).longValue());
        } else {
          problems.add("request: releases." + InputLimits.clip(String.valueOf(lab))
              + ": a release is a time (epoch ms), got " + InputLimits.describe(at));
        }
      });
    }
    return out;
  }

  /** The report in a previous night's result, or null when there is none or it cannot be read. */
  public static FleetReport previousReport(JsonNode result) {
    try {
      return JSON.treeToValue(result, FleetReport.class);
    } catch (Exception e) {
      return null;
    }
  }

  public static JsonNode toJson(Object value) {
    return JSON.valueToTree(value);
  }

  public ResetRequest resetOf(FleetLab lab) {
    return new ResetRequest(lab.labId(), definition, lab.variant(), lab.parameters());
  }

  /**
   * Where a night that continued as new stands.
   *
   * @param startedAt when the night began
   * @param next index of the next lab to handle
   * @param previous the previous night's entries of labs with failures or in quarantine
   * @param done the entries of the labs handled so far
   * @param quota why labs were left out for the account's quotas, or null
   */
  public record Progress(long startedAt, int next, Map<String, LabReport> previous, List<LabReport> done,
      @JsonInclude(JsonInclude.Include.NON_NULL) String quota) {
    public Progress {
      previous = previous == null ? Map.of() : previous;
      done = done == null ? List.of() : done;
    }
  }

  public FleetRequest withProgress(Progress p) {
    return new FleetRequest(fleet, definition, concurrency, quarantineAfter, labs, releases, p,
        quotaShortfall);
  }

  public FleetRequest withRelease(String labId, long at) {
    Map<String, Long> r = new LinkedHashMap<>(releases);
    r.put(labId, at);
    return new FleetRequest(fleet, definition, concurrency, quarantineAfter, labs, r, progress,
        quotaShortfall);
  }
}
