package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlDocument;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a fleet file, reporting every problem at once as {@code FILE:LINE:COLUMN: PATH: message}.
 * What needs the step file (does the variant exist, do the parameters bind) is checked by the
 * caller, which has it, at the places this loader records. Thread-safe: each load reads into its
 * own parts.
 */
public final class FleetLoader {

  /** Fleet files are small; a megabyte is plenty. */
  public static final int MAX_CHARS = 1 << 20;

  /** A fleet's name follows the lab-id rule: it becomes the schedule id {@code fleet-<name>}. */
  private static final Pattern NAME = Pattern.compile(LabIds.PATTERN);
  private static final Pattern QUOTA_SHORTFALL =
      Pattern.compile(String.join("|", FleetKeys.QUOTA_SHORTFALL));
  private static final Pattern CRON_MACRO =
      Pattern.compile("^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every \\S+)$");
  private static final Pattern CRON = Pattern.compile("^[0-9A-Za-z*/,?#LW-]+(\\s+[0-9A-Za-z*/,?#LW-]+){4}$");

  /** Loads one fleet file. Never throws on bad input. */
  public FleetLoadResult load(String fileName, String text) {
    FleetNodes nodes = new FleetNodes(fileName);
    if (text.length() > MAX_CHARS) {
      nodes.error(null, "", "the file is larger than " + MAX_CHARS + " characters");
      return result(nodes, null);
    }
    Node root = YamlDocument.parse(text, nodes.yaml);
    if (root == null && !nodes.yaml.hasErrors()) {
      nodes.error(null, "", "the file is empty; a fleet needs name, definition, labs and schedule");
    }
    return result(nodes, root == null ? null : read(root, nodes));
  }

  private static FleetLoadResult result(FleetNodes nodes, Fleet fleet) {
    List<Diagnostic> sorted = nodes.yaml.errors();
    return new FleetLoadResult(sorted.isEmpty() ? fleet : null, sorted, nodes.places);
  }

  private static Fleet read(Node root, FleetNodes nodes) {
    Map<String, Entry> top = nodes.mapping(root, "", FleetKeys.TOP_LEVEL);
    if (top == null) {
      return null;
    }
    String name = nodes.required(top, "name", root, "", NAME, "must be " + LabIds.RULE);
    nodes.yaml.optionalString(top, "description", ""); // free text, read for its type only
    String definition = nodes.required(top, "definition", root, "", DefinitionKeys.ID,
        "must be a definition name (" + DefinitionKeys.ID_RULE + ")");
    String variant = nodes.string(top, "variant", "", DefinitionKeys.ID, "must be a variant name");
    Map<String, Object> parameters = nodes.parameters(top.get("parameters"), "parameters");
    List<FleetLab> labs = nodes.labs(top.get("labs"), root, variant, parameters);
    FleetSchedule schedule = schedule(top.get("schedule"), root, nodes);
    Integer concurrency = nodes.integer(top, "concurrency", FleetKeys.MAX_CONCURRENCY,
        FleetKeys.DEFAULT_CONCURRENCY);
    Integer quarantineAfter = nodes.integer(top, "quarantineAfter",
        FleetKeys.MAX_QUARANTINE_AFTER, FleetKeys.DEFAULT_QUARANTINE_AFTER);
    String quotaShortfall = nodes.string(top, "quotaShortfall", "", QUOTA_SHORTFALL,
        "must be " + String.join(" or ", FleetKeys.QUOTA_SHORTFALL));
    if (nodes.yaml.hasErrors()) {
      return null;
    }
    return new Fleet(name, definition, labs, schedule, concurrency, quarantineAfter,
        quotaShortfall == null ? FleetKeys.AS_MANY_AS_FIT : quotaShortfall);
  }

  private static FleetSchedule schedule(Entry entry, Node root, FleetNodes nodes) {
    if (entry == null) {
      nodes.error(root, "", "missing required key 'schedule' (at least a cron)");
      return null;
    }
    Map<String, Entry> m = nodes.mapping(entry.value(), "schedule", FleetKeys.SCHEDULE);
    if (m == null) {
      return null;
    }
    String cron = nodes.yaml.requiredString(m, "cron", entry.value(), "schedule");
    if (cron != null && !CRON_MACRO.matcher(cron.trim()).matches()
        && !CRON.matcher(cron.trim()).matches()) {
      nodes.error(m.get("cron").value(), "schedule.cron", "cron '" + cron + "' must be five fields "
          + "(minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\") or a macro such as @daily");
      cron = null;
    }
    String zone = nodes.yaml.optionalString(m, "timeZone", "schedule");
    if (zone != null) {
      try {
        ZoneId.of(zone);
      } catch (DateTimeException e) {
        List<String> zones = ZoneId.getAvailableZoneIds().stream().sorted().toList();
        String hint = Suggestions.didYouMean(zone, zones);
        nodes.error(m.get("timeZone").value(), "schedule.timeZone", "unknown time zone '" + zone + "'"
            + (hint.isEmpty() ? "; use an IANA name such as Europe/Paris" : hint));
        zone = null;
      }
    }
    Duration catchup = duration(m, "catchupWindow", FleetKeys.DEFAULT_CATCHUP_WINDOW, nodes);
    if (catchup != null && catchup.compareTo(Duration.ofSeconds(10)) < 0) {
      nodes.error(m.get("catchupWindow").value(), "schedule.catchupWindow", "catchupWindow must be at least 10s");
      catchup = null;
    }
    Duration jitter = duration(m, "jitter", FleetKeys.DEFAULT_JITTER, nodes);
    if (cron == null || catchup == null || jitter == null || (m.containsKey("timeZone") && zone == null)) {
      return null;
    }
    return new FleetSchedule(cron, zone == null ? FleetKeys.DEFAULT_TIME_ZONE : zone, catchup, jitter);
  }

  private static Duration duration(Map<String, Entry> m, String key, String fallback, FleetNodes nodes) {
    String text = nodes.yaml.optionalString(m, key, "schedule");
    if (text == null) {
      return m.containsKey(key) ? null : Durations.parse(fallback).orElseThrow();
    }
    Optional<Duration> d = Durations.parse(text);
    if (d.isEmpty()) {
      nodes.error(m.get(key).value(), "schedule." + key, key + " '" + text + "' is not a duration: " + Durations.FORMS);
      return null;
    }
    return d.get();
  }
}
