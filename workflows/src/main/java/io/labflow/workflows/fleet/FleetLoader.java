package io.labflow.workflows.fleet;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.YamlDocument;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.util.List;
import java.util.Map;
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

  private static final Pattern NAME = Pattern.compile(FleetKeys.NAME_PATTERN);
  private static final Pattern DEFINITION = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern QUOTA_SHORTFALL =
      Pattern.compile(String.join("|", FleetKeys.QUOTA_SHORTFALL));

  /** Loads one fleet file. Never throws on bad input. */
  public FleetLoadResult load(String fileName, String text) {
    FleetNodes nodes = new FleetNodes(fileName);
    if (text.length() > MAX_CHARS) {
      nodes.error(null, "", "the file is larger than " + MAX_CHARS + " characters");
      return result(nodes, null);
    }
    YamlDocument.Parsed parsed = YamlDocument.parse(text, MAX_CHARS + 1);
    if (parsed.problem() != null) {
      return new FleetLoadResult(null, List.of(new Diagnostic(fileName, parsed.problem().line(),
          parsed.problem().column(), "", parsed.problem().message())), Map.of());
    }
    if (parsed.root() == null) {
      nodes.error(null, "", "the file is empty; a fleet needs name, definition, labs and schedule");
      return result(nodes, null);
    }
    return result(nodes, read(parsed.root(), nodes));
  }

  private static FleetLoadResult result(FleetNodes nodes, Fleet fleet) {
    List<Diagnostic> sorted = nodes.errors();
    return new FleetLoadResult(sorted.isEmpty() ? fleet : null, sorted, nodes.places());
  }

  private static Fleet read(Node root, FleetNodes nodes) {
    Map<String, Entry> top = nodes.mapping(root, "", FleetKeys.TOP_LEVEL);
    if (top == null) {
      return null;
    }
    FleetParameters parameterReader = new FleetParameters(nodes);
    String name = nodes.required(top, "name", root, "", NAME, "must be " + LabIds.RULE);
    String description = nodes.optionalString(top, "description", "", null, null);
    String definition = nodes.required(top, "definition", root, "", DEFINITION,
        "must be a definition name (" + DefinitionKeys.ID_RULE + ")");
    String variant = nodes.optionalString(top, "variant", "", FleetLabs.VARIANT, "must be a variant name");
    Map<String, Object> parameters = parameterReader.parameters(top.get("parameters"), "parameters");
    List<FleetLab> labs =
        new FleetLabs(nodes, parameterReader).labs(top.get("labs"), root, variant, parameters);
    FleetSchedule schedule = new ScheduleReader(nodes).schedule(top.get("schedule"), root);
    Integer concurrency = nodes.optionalInt(top, "concurrency", 1, FleetKeys.MAX_CONCURRENCY);
    Integer quarantineAfter = nodes.optionalInt(top, "quarantineAfter", 1, FleetKeys.MAX_QUARANTINE_AFTER);
    String quotaShortfall = nodes.optionalString(top, "quotaShortfall", "", QUOTA_SHORTFALL,
        "must be " + String.join(" or ", FleetKeys.QUOTA_SHORTFALL));
    if (nodes.hasErrors()) {
      return null;
    }
    return new Fleet(name, description, definition, labs, schedule,
        concurrency == null ? FleetKeys.DEFAULT_CONCURRENCY : concurrency,
        quarantineAfter == null ? FleetKeys.DEFAULT_QUARANTINE_AFTER : quarantineAfter,
        quotaShortfall == null ? FleetKeys.AS_MANY_AS_FIT : quotaShortfall);
  }
}
