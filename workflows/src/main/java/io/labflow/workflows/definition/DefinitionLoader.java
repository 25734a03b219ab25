package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.YamlDocument;
import io.labflow.workflows.yaml.YamlNodes;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads and validates step files.
 *
 * <p>The loader never throws for bad input: {@link #load} returns every problem it finds at once,
 * each with its file, line, column and path, or a {@link Definition} that the interpreter may
 * trust. It is thread-safe and holds no state besides the action catalog.
 */
public record DefinitionLoader(ActionCatalog catalog) {

  /** The largest step file accepted, in bytes (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  /** Loads a step file's text, named in messages by {@code fileName} ({@code inline:my-lab}). */
  public LoadResult load(String fileName, String text) {
    YamlNodes nodes = new YamlNodes(fileName);
    Node root = text.length() > MAX_BYTES ? null : YamlDocument.parse(text, nodes);
    if (text.length() > MAX_BYTES) {
      nodes.error(1, 1, "the file is " + text.length()
          + " characters; step files may be at most " + MAX_BYTES + " bytes (1 MiB)");
    } else if (root == null && !nodes.hasErrors()) {
      nodes.error(1, 1, "the file is empty; a definition needs at least 'name' and 'steps'");
    }
    return nodes.hasErrors() ? new LoadResult(null, nodes.errors()) : read(nodes, root);
  }

  /**
   * The definition in a parsed file, or every problem found: the sections are read by {@link
   * ParameterReader}, {@link OptionsReader}, {@link StepReader} and {@link TaskReader}, then
   * checked as a whole by {@link ReferenceChecks}.
   */
  private LoadResult read(YamlNodes nodes, Node root) {
    ParameterReader parameterReader = new ParameterReader(nodes);
    OptionsReader options = new OptionsReader(nodes);
    if (!(root instanceof MappingNode rootMap)) {
      nodes.error(root, "", "a definition must be a mapping of keys such as name and steps, got "
          + YamlNodes.describe(root));
      return new LoadResult(null, nodes.errors());
    }
    Map<String, Entry> top = nodes.entries(rootMap, "", DefinitionKeys.TOP_LEVEL);
    String name = nodes.requiredString(top, "name", root, "");
    if (name != null) {
      DefinitionKeys.checkId(nodes, "name", name, top.get("name").value(), "name");
    }
    String description = nodes.optionalString(top, "description", "");
    String version = nodes.optional(top, "version", "", (v, at) -> {
      if (v instanceof ScalarNode s && YamlNodes.isPlainScalar(s)) {
        return s.getValue();
      }
      nodes.error(v, at, "version must be a string, got " + YamlNodes.describe(v));
      return null;
    });
    Map<String, ParameterDef> parameters = parameterReader.readParameters(top.get("parameters"));
    Map<String, Map<String, Object>> variants = parameterReader.readVariants(top.get("variants"));
    String defaultVariant = parameterReader.readDefaultVariant(top, variants);
    StepDefaults defaults = options.readDefaults(top.get("defaults"));
    StepReader stepReader = new StepReader(nodes, options, catalog, variants);

    List<RawStep> steps = stepReader.readSteps(top, "steps", "", defaults);
    if (nodes.requireKey(top, "steps", root, "") && steps.isEmpty()
        && top.get("steps").value() instanceof SequenceNode list) {
      nodes.error(list, "steps", "steps must hold at least one step");
    }
    List<RawStep> onChange = stepReader.readSteps(top, "onVariantChange", "", defaults);
    if (!onChange.isEmpty() && variants.isEmpty()) {
      nodes.error(top.get("onVariantChange").keyNode(), "onVariantChange",
          "onVariantChange is set, but no variants are declared to switch between");
    }
    Duration keepAlive = options.optionalDuration(top, "keepAlive", "");
    Duration maxLifetime = options.optionalDuration(top, "maxLifetime", "");
    Duration expiryWarning = options.optionalDuration(top, "expiryWarning", "");
    checkLifetime(nodes, top, keepAlive, maxLifetime);
    List<TaskReader.RawTask> tasks = !top.containsKey("tasks") ? List.of()
        : new TaskReader(nodes, stepReader).readTasks(top.get("tasks").value(), defaults);
    if (!tasks.isEmpty() && keepAlive == null && !top.containsKey("keepAlive")) {
      nodes.error(top.get("tasks").keyNode(), "tasks",
          "tasks need keepAlive: the lab stays live while its learner works, then tears down");
    }

    new ReferenceChecks(nodes, parameters, variants).check(steps, onChange, tasks);
    if (nodes.hasErrors()) {
      return new LoadResult(null, nodes.errors()); // A broken group has no step to build.
    }
    return new LoadResult(new Definition(name, description, version,
        Collections.unmodifiableMap(parameters), Collections.unmodifiableMap(variants),
        defaultVariant, defaults, steps.stream().map(s -> s.step).toList(),
        onChange.stream().map(s -> s.step).toList(), keepAlive,
        tasks.stream().map(TaskReader.RawTask::task).toList(), maxLifetime, expiryWarning),
        List.of());
  }

  /** maxLifetime and expiryWarning apply to a lab kept alive, maxLifetime not below it. */
  private static void checkLifetime(
      YamlNodes nodes, Map<String, Entry> top, Duration keepAlive, Duration max) {
    for (String key : List.of("maxLifetime", "expiryWarning")) {
      if (top.containsKey(key) && !top.containsKey("keepAlive")) {
        nodes.error(top.get(key).keyNode(), key, key + " needs keepAlive: only a live lab expires");
      }
    }
    if (max != null && keepAlive != null && max.compareTo(keepAlive) < 0) {
      nodes.error(top.get("maxLifetime").value(), "maxLifetime",
          "maxLifetime " + Durations.format(max) + " is shorter than keepAlive "
              + Durations.format(keepAlive));
    }
  }
}
