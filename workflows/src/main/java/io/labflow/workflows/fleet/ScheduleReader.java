package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** The {@code schedule} of a fleet file: a cron, its time zone, catch-up window and jitter. */
final class ScheduleReader {

  private static final Pattern CRON_MACRO =
      Pattern.compile("^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every \\S+)$");
  private static final Pattern CRON_FIELD = Pattern.compile("^[0-9A-Za-z*/,?#LW-]+$");

  private final FleetNodes nodes;

  ScheduleReader(FleetNodes nodes) {
    this.nodes = nodes;
  }

  FleetSchedule schedule(Entry entry, Node root) {
    if (entry == null) {
      nodes.error(root, "", "missing required key 'schedule' (at least a cron)");
      return null;
    }
    Map<String, Entry> m = nodes.mapping(entry.value(), "schedule", FleetKeys.SCHEDULE);
    if (m == null) {
      return null;
    }
    String cron = nodes.required(m, "cron", entry.value(), "schedule", null, null);
    if (cron != null && !validCron(cron)) {
      nodes.error(m.get("cron").value(), "schedule.cron", "cron '" + cron + "' must be five fields "
          + "(minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\") or a macro such as @daily");
      cron = null;
    }
    String zone = nodes.optionalString(m, "timeZone", "schedule", null, null);
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
    Duration catchup = duration(m, "catchupWindow", FleetKeys.DEFAULT_CATCHUP_WINDOW);
    if (catchup != null && catchup.compareTo(Duration.ofSeconds(10)) < 0) {
      nodes.error(m.get("catchupWindow").value(), "schedule.catchupWindow", "catchupWindow must be at least 10s");
      catchup = null;
    }
    Duration jitter = duration(m, "jitter", FleetKeys.DEFAULT_JITTER);
    if (cron == null || catchup == null || jitter == null || (m.containsKey("timeZone") && zone == null)) {
      return null;
    }
    return new FleetSchedule(cron, zone == null ? FleetKeys.DEFAULT_TIME_ZONE : zone, catchup, jitter);
  }

  private static boolean validCron(String cron) {
    String c = cron.trim();
    if (c.startsWith("@")) {
      return CRON_MACRO.matcher(c).matches();
    }
    String[] fields = c.split("\\s+");
    if (fields.length != 5) {
      return false;
    }
    for (String f : fields) {
      if (!CRON_FIELD.matcher(f).matches()) {
        return false;
      }
    }
    return true;
  }

  private Duration duration(Map<String, Entry> m, String key, String fallback) {
    String text = nodes.optionalString(m, key, "schedule", null, null);
    if (text == null) {
      return m.containsKey(key) ? null : Durations.parse(fallback).orElseThrow();
    }
    java.util.Optional<Duration> d = Durations.parse(text);
    if (d.isEmpty()) {
      nodes.error(m.get(key).value(), "schedule." + key, key + " '" + text + "' is not a duration: " + Durations.FORMS);
      return null;
    }
    return d.get();
  }
}
