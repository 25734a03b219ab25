package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.definition.Diagnostic;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.definition.Suggestions;
import io.labflow.workflows.definition.YamlDocument;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a fleet file, reporting every problem at once as {@code FILE:LINE:COLUMN: PATH: message}.
 * What needs the step file (does the variant exist, do the parameters bind) is checked by the
 * caller, which has it, at the places this loader records.
 */
public final class FleetLoader {

  /** Fleet files are small; a megabyte is plenty. */
  public static final int MAX_CHARS = 1 << 20;

  private static final Pattern NAME = Pattern.compile(FleetKeys.NAME_PATTERN);
  private static final Pattern DEFINITION = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern VARIANT = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern KEY = Pattern.compile(DefinitionKeys.KEY_PATTERN);
  private static final Pattern CRON_MACRO =
      Pattern.compile("^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every \\S+)$");
  private static final Pattern CRON_FIELD = Pattern.compile("^[0-9A-Za-z*/,?#LW-]+$");

  private String file;
  private List<Diagnostic> errors;
  private Map<String, FleetLoadResult.Place> places;

  private record Entry(String key, Node value) {}

  /** Loads one fleet file. Never throws on bad input. */
  public synchronized FleetLoadResult load(String fileName, String text) {
    file = fileName;
    errors = new ArrayList<>();
    places = new HashMap<>();
    if (text.length() > MAX_CHARS) {
      error(null, "", "the file is larger than " + MAX_CHARS + " characters");
      return result(null);
    }
    YamlDocument.Parsed parsed = YamlDocument.parse(text, MAX_CHARS + 1);
    if (parsed.problem() != null) {
      errors.add(new Diagnostic(file, parsed.problem().line(), parsed.problem().column(), "",
          parsed.problem().message()));
      return result(null);
    }
    if (parsed.root() == null) {
      error(null, "", "the file is empty; a fleet needs name, definition, labs and schedule");
      return result(null);
    }
    return result(read(parsed.root()));
  }

  private FleetLoadResult result(Fleet fleet) {
    List<Diagnostic> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    return new FleetLoadResult(sorted.isEmpty() ? fleet : null, sorted, places);
  }

  private Fleet read(Node root) {
    Map<String, Entry> top = mapping(root, "", FleetKeys.TOP_LEVEL);
    if (top == null) {
      return null;
    }
    String name = required(top, "name", root, "", NAME,
        "must be lowercase letters, digits and dashes, starting with a letter, at most 41 characters");
    String description = optionalString(top, "description", "", null, null);
    String definition = required(top, "definition", root, "", DEFINITION,
        "must be a definition name (lowercase letters, digits and dashes)");
    String variant = optionalString(top, "variant", "", VARIANT, "must be a variant name");
    Map<String, Object> parameters = parameters(top.get("parameters"), "parameters");
    List<FleetLab> labs = labs(top.get("labs"), root, variant, parameters);
    FleetSchedule schedule = schedule(top.get("schedule"), root);
    Integer concurrency = optionalInt(top, "concurrency", 1, FleetKeys.MAX_CONCURRENCY);
    Integer quarantineAfter = optionalInt(top, "quarantineAfter", 1, FleetKeys.MAX_QUARANTINE_AFTER);
    if (!errors.isEmpty()) {
      return null;
    }
    try {
      return new Fleet(name, description, definition, labs, schedule,
          concurrency == null ? FleetKeys.DEFAULT_CONCURRENCY : concurrency,
          quarantineAfter == null ? FleetKeys.DEFAULT_QUARANTINE_AFTER : quarantineAfter);
    } catch (IllegalArgumentException e) {
      error(root, "", e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- labs

  private List<FleetLab> labs(Entry entry, Node root, String variant, Map<String, Object> shared) {
    if (entry == null) {
      error(root, "", "missing required key 'labs' (a list of lab ids, or prefix and count)");
      return List.of();
    }
    Node node = entry.value();
    remember("labs", node);
    if (node instanceof MappingNode) {
      return numbered(node, variant, shared);
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      error(node, "labs", "labs must be a non-empty list of labs, or a mapping of prefix and count, got "
          + describe(node));
      return List.of();
    }
    if (seq.getValue().size() > FleetKeys.MAX_LABS) {
      error(node, "labs", "a fleet has at most " + FleetKeys.MAX_LABS + " labs, got " + seq.getValue().size());
      return List.of();
    }
    List<FleetLab> labs = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String path = "labs[" + i + "]";
      remember(path, item);
      String id;
      String labVariant = variant;
      Map<String, Object> params = new LinkedHashMap<>(shared);
      if (item instanceof ScalarNode) {
        id = string(item, path);
      } else {
        Map<String, Entry> m = mapping(item, path, FleetKeys.LAB);
        if (m == null) {
          continue;
        }
        id = required(m, "id", item, path, null, null);
        String v = optionalString(m, "variant", path, VARIANT, "must be a variant name");
        labVariant = v != null ? v : variant;
        params.putAll(parameters(m.get("parameters"), path + ".parameters"));
      }
      if (id == null) {
        continue;
      }
      String idPath = item instanceof ScalarNode ? path : path + ".id";
      if (!DefinitionActivitiesImpl.LAB_ID.matcher(id).matches()) {
        error(item, idPath, "lab id '" + id + "' must be lowercase letters, digits and dashes, starting "
            + "with a letter, at most 41 characters");
        continue;
      }
      String first = seen.putIfAbsent(id, path);
      if (first != null) {
        error(item, idPath, "lab '" + id + "' is already listed at " + first);
        continue;
      }
      labs.add(new FleetLab(id, labVariant, params));
    }
    return labs;
  }

  private List<FleetLab> numbered(Node node, String variant, Map<String, Object> shared) {
    Map<String, Entry> m = mapping(node, "labs", FleetKeys.NUMBERED);
    if (m == null) {
      return List.of();
    }
    String prefix = required(m, "prefix", node, "labs", null, null);
    Integer count = null;
    if (!m.containsKey("count")) {
      error(node, "labs", "missing required key 'count'");
    } else {
      count = integer(m.get("count").value(), "labs.count", 1, FleetKeys.MAX_LABS);
    }
    if (prefix == null || count == null) {
      return List.of();
    }
    int width = Math.max(2, String.valueOf(count).length());
    String last = prefix + String.format("%0" + width + "d", count);
    if (!DefinitionActivitiesImpl.LAB_ID.matcher(last).matches()) {
      error(m.get("prefix").value(), "labs.prefix", "prefix '" + prefix + "' makes lab ids such as '"
          + last + "', which must be lowercase letters, digits and dashes, starting with a letter, "
          + "at most 41 characters");
      return List.of();
    }
    List<FleetLab> labs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      labs.add(new FleetLab(prefix + String.format("%0" + width + "d", i), variant, shared));
    }
    return labs;
  }

  // ---------------------------------------------------------------- schedule

  private FleetSchedule schedule(Entry entry, Node root) {
    if (entry == null) {
      error(root, "", "missing required key 'schedule' (at least a cron)");
      return null;
    }
    Map<String, Entry> m = mapping(entry.value(), "schedule", FleetKeys.SCHEDULE);
    if (m == null) {
      return null;
    }
    String cron = required(m, "cron", entry.value(), "schedule", null, null);
    if (cron != null && !validCron(cron)) {
      error(m.get("cron").value(), "schedule.cron", "cron '" + cron + "' must be five fields "
          + "(minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\") or a macro such as @daily");
      cron = null;
    }
    String zone = optionalString(m, "timeZone", "schedule", null, null);
    if (zone != null) {
      try {
        ZoneId.of(zone);
      } catch (DateTimeException e) {
        List<String> zones = ZoneId.getAvailableZoneIds().stream().sorted().toList();
        java.util.Optional<String> close = Suggestions.closest(zone, zones);
        error(m.get("timeZone").value(), "schedule.timeZone", "unknown time zone '" + zone + "'"
            + close.map(c -> "; did you mean '" + c + "'?").orElse("; use an IANA name such as Europe/Paris"));
        zone = null;
      }
    }
    Duration catchup = duration(m, "catchupWindow", FleetKeys.DEFAULT_CATCHUP_WINDOW);
    if (catchup != null && catchup.compareTo(Duration.ofSeconds(10)) < 0) {
      error(m.get("catchupWindow").value(), "schedule.catchupWindow", "catchupWindow must be at least 10s");
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
    String text = optionalString(m, key, "schedule", null, null);
    if (text == null) {
      return m.containsKey(key) ? null : Durations.parse(fallback).orElseThrow();
    }
    java.util.Optional<Duration> d = Durations.parse(text);
    if (d.isEmpty()) {
      error(m.get(key).value(), "schedule." + key, key + " '" + text + "' is not a duration: " + Durations.FORMS);
      return null;
    }
    return d.get();
  }

  // ---------------------------------------------------------------- values

  private Map<String, Object> parameters(Entry entry, String path) {
    if (entry == null) {
      return Map.of();
    }
    remember(path, entry.value());
    if (!(entry.value() instanceof MappingNode map)) {
      error(entry.value(), path, "parameters must be a mapping of name to value, got " + describe(entry.value()));
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (key == null || !KEY.matcher(key).matches()) {
        error(t.getKeyNode(), path, "parameter names are letters, digits, '_' and '-', got " + describe(t.getKeyNode()));
        continue;
      }
      String p = path + "." + key;
      remember(p, t.getValueNode());
      Object value = value(t.getValueNode(), p);
      if (value != null) {
        out.put(key, value);
      }
    }
    return out;
  }

  /** A parameter value: a scalar, or a list of scalars. */
  private Object value(Node node, String path) {
    if (node instanceof ScalarNode s) {
      return scalar(s, path);
    }
    if (node instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < seq.getValue().size(); i++) {
        Node item = seq.getValue().get(i);
        if (!(item instanceof ScalarNode s)) {
          error(item, path + "[" + i + "]", "list items must be plain values, got " + describe(item));
          return null;
        }
        Object v = scalar(s, path + "[" + i + "]");
        if (v == null) {
          return null;
        }
        out.add(v);
      }
      return out;
    }
    error(node, path, "a parameter value must be a string, number, boolean or list, got " + describe(node));
    return null;
  }

  private Object scalar(ScalarNode s, String path) {
    Tag tag = s.getTag();
    if (Tag.BOOL.equals(tag)) {
      return Boolean.parseBoolean(s.getValue().toLowerCase());
    }
    if (Tag.INT.equals(tag)) {
      BigInteger b = new BigInteger(s.getValue().replace("+", ""));
      if (b.bitLength() > 63) {
        error(s, path, "the number " + s.getValue() + " is too large");
        return null;
      }
      return b.longValue();
    }
    if (Tag.STR.equals(tag)) {
      return s.getValue();
    }
    if (Tag.NULL.equals(tag)) {
      error(s, path, "a parameter needs a value (leave it out to take the definition's default)");
      return null;
    }
    error(s, path, "a parameter value must be a string, whole number or boolean, got " + describe(s));
    return null;
  }

  private Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
    if (!(node instanceof MappingNode map)) {
      error(node, path, (path.isEmpty() ? "a fleet file" : path) + " must be a mapping, got " + describe(node));
      return null;
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        error(t.getKeyNode(), path, "keys must be plain names, got " + describe(t.getKeyNode()));
        continue;
      }
      String key = k.getValue();
      String at = path.isEmpty() ? key : path + "." + key;
      if (!allowed.contains(key)) {
        error(k, at, "unknown key '" + key + "'" + Suggestions.hint(key, allowed));
        continue;
      }
      out.put(key, new Entry(key, t.getValueNode()));
      remember(at, t.getValueNode());
    }
    return out;
  }

  private String required(Map<String, Entry> m, String key, Node at, String path, Pattern form, String rule) {
    if (!m.containsKey(key)) {
      error(at, path, "missing required key '" + key + "'");
      return null;
    }
    return optionalString(m, key, path, form, rule);
  }

  private String optionalString(Map<String, Entry> m, String key, String path, Pattern form, String rule) {
    Entry e = m.get(key);
    if (e == null) {
      return null;
    }
    String at = path.isEmpty() ? key : path + "." + key;
    String s = string(e.value(), at);
    if (s != null && form != null && !form.matcher(s).matches()) {
      error(e.value(), at, key + " '" + s + "' " + rule);
      return null;
    }
    return s;
  }

  private String string(Node node, String path) {
    if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag()) && !s.getValue().isEmpty()) {
      return s.getValue();
    }
    error(node, path, "expected a non-empty string, got " + describe(node));
    return null;
  }

  private Integer optionalInt(Map<String, Entry> m, String key, int min, int max) {
    Entry e = m.get(key);
    return e == null ? null : integer(e.value(), key, min, max);
  }

  private Integer integer(Node node, String path, int min, int max) {
    if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
      BigInteger b = new BigInteger(s.getValue().replace("+", ""));
      if (b.compareTo(BigInteger.valueOf(min)) >= 0 && b.compareTo(BigInteger.valueOf(max)) <= 0) {
        return b.intValue();
      }
    }
    error(node, path, "expected a whole number from " + min + " to " + max + ", got " + describe(node));
    return null;
  }

  private void remember(String path, Node node) {
    places.putIfAbsent(path, new FleetLoadResult.Place(
        node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
  }

  private static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      if (Tag.NULL.equals(s.getTag())) {
        return "nothing";
      }
      String v = s.getValue();
      return "'" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'";
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  private void error(Node node, String path, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    int column = node == null ? 0 : node.getStartMark().getColumn() + 1;
    errors.add(new Diagnostic(file, line, column, path, message));
  }
}
