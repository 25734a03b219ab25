package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one parsed step file into the model, collecting every problem. Used once per load; the
 * sections of the file are read by {@link ParameterReader}, {@link OptionsReader} and {@link
 * StepReader}, then checked as a whole by {@link ReferenceChecks}.
 */
final class DefinitionReader {

  private final YamlNodes nodes;
  private final ParameterReader parameterReader;
  private final OptionsReader options;
  private final StepReader stepReader;
  private final TaskReader taskReader;

  DefinitionReader(String file, ActionCatalog catalog) {
    this.nodes = new YamlNodes(file);
    this.parameterReader = new ParameterReader(nodes);
    this.options = new OptionsReader(nodes);
    this.stepReader = new StepReader(nodes, options, catalog);
    this.taskReader = new TaskReader(nodes, stepReader);
  }

  /** The definition, or every problem found. */
  LoadResult read(Node root) {
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
    String version = null;
    if (top.containsKey("version")) {
      Node v = top.get("version").value();
      if (v instanceof ScalarNode s && YamlNodes.isPlainScalar(s)) {
        version = s.getValue();
      } else {
        nodes.error(v, "version", "version must be a string, got " + YamlNodes.describe(v));
      }
    }
    Map<String, ParameterDef> parameters = parameterReader.readParameters(top.get("parameters"));
    Map<String, Map<String, Object>> variants = parameterReader.readVariants(top.get("variants"));
    String defaultVariant = parameterReader.readDefaultVariant(top, variants);
    StepDefaults defaults = options.readDefaults(top.get("defaults"));

    List<RawStep> steps = List.of();
    if (!top.containsKey("steps")) {
      nodes.error(root, "", "missing required key 'steps'");
    } else {
      Node stepsNode = top.get("steps").value();
      steps = stepReader.readSteps(stepsNode, "steps", defaults);
      if (steps.isEmpty() && stepsNode instanceof SequenceNode) {
        nodes.error(stepsNode, "steps", "steps must hold at least one step");
      }
    }
    List<RawStep> onChange = List.of();
    if (top.containsKey("onVariantChange")) {
      onChange =
          stepReader.readSteps(top.get("onVariantChange").value(), "onVariantChange", defaults);
      if (!onChange.isEmpty() && variants.isEmpty()) {
        nodes.error(top.get("onVariantChange").keyNode(), "onVariantChange",
            "onVariantChange is set, but no variants are declared to switch between");
      }
    }
    Duration keepAlive = options.optionalDuration(top, "keepAlive", "");
    Duration maxLifetime = options.optionalDuration(top, "maxLifetime", "");
    Duration expiryWarning = options.optionalDuration(top, "expiryWarning", "");
    checkLifetime(top, keepAlive, maxLifetime);
    List<TaskReader.RawTask> tasks =
        top.containsKey("tasks")
            ? taskReader.readTasks(top.get("tasks").value(), defaults)
            : List.of();
    if (!tasks.isEmpty() && keepAlive == null && !top.containsKey("keepAlive")) {
      nodes.error(top.get("tasks").keyNode(), "tasks",
          "tasks need keepAlive: the lab stays live while its learner works, then tears down");
    }

    new ReferenceChecks(nodes, parameters, variants).check(steps, onChange, tasks);
    if (nodes.hasErrors()) {
      return new LoadResult(null, nodes.errors()); // A broken group has no step to build.
    }
    return new LoadResult(new Definition(
        name, description, version,
        Collections.unmodifiableMap(parameters), Collections.unmodifiableMap(variants),
        defaultVariant, defaults,
        steps.stream().map(s -> s.step).toList(), onChange.stream().map(s -> s.step).toList(),
        keepAlive, tasks.stream().map(t -> t.task).toList(), maxLifetime, expiryWarning),
        List.of());
  }

  /** maxLifetime and expiryWarning apply to a lab kept alive, maxLifetime not below it. */
  private void checkLifetime(Map<String, Entry> top, Duration keepAlive, Duration max) {
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
