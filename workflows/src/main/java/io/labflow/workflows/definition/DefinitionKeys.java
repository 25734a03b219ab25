package io.labflow.workflows.definition;

import io.labflow.workflows.yaml.YamlNodes;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Every key the step-file language accepts, level by level, and its two name rules, each checked
 * and worded here. The loader rejects any other key, and a test checks that the JSON Schema
 * declares exactly these.
 */
public final class DefinitionKeys {

  public static final List<String> TOP_LEVEL =
      List.of("name", "description", "version", "parameters", "variants", "defaultVariant",
          "defaults", "steps", "onVariantChange", "keepAlive", "maxLifetime", "expiryWarning",
          "tasks");

  public static final List<String> PARAMETER = List.of(
      "type", "required", "default", "pattern", "description", "format", "arnTypes", "accounts");

  public static final List<String> PARAMETER_FORMATS = List.of("arn");

  public static final List<String> PARAMETER_TYPES =
      List.of("string", "integer", "boolean", "list");

  public static final List<String> DEFAULTS =
      List.of("retry", "timeout", "scheduleToClose", "heartbeat", "onFailure", "pauseTimeout");

  /** Keys of an action step (also of every branch of a parallel group). */
  public static final List<String> ACTION_STEP =
      List.of("id", "action", "with", "retry", "timeout", "scheduleToClose", "heartbeat",
          "compensate", "onFailure");

  public static final List<String> PARALLEL_STEP = List.of("id", "parallel");

  /** Keys of {@code retry}, in steps, compensations and defaults. */
  public static final List<String> RETRY =
      List.of("initialInterval", "backoffCoefficient", "maximumInterval", "maximumAttempts",
          "nonRetryable");

  public static final List<String> COMPENSATE =
      List.of("action", "with", "retry", "timeout", "heartbeat");

  public static final List<String> TASK =
      List.of("id", "title", "instructions", "points", "checks", "solve", "adopt");

  public static final List<String> CHECK = List.of("id", "action", "with", "message", "hint");

  /** The outputs an action needs to be a check. */
  public static final List<String> CHECK_OUTPUTS = List.of("passed", "detail");

  /** The fields of {@code ${lab.X}}. */
  public static final List<String> LAB_FIELDS =
      List.of("labId", "runId", "definition", "variant", "startedAt");

  /** Names of definitions, steps and variants. */
  public static final String ID_PATTERN = "^[a-z][a-z0-9-]*$";

  /** {@link #ID_PATTERN} in words, for messages (a lab id adds its length: {@code LabIds#RULE}). */
  public static final String ID_RULE =
      "lowercase letters, digits and dashes, starting with a letter";

  /** Names of parameters and variant keys: what a {@code ${...}} part may be. */
  public static final String KEY_PATTERN = "^[A-Za-z_][A-Za-z0-9_-]*$";

  public static final Pattern ID = Pattern.compile(ID_PATTERN);

  public static final Pattern KEY = Pattern.compile(KEY_PATTERN);

  private DefinitionKeys() {}

  /** Reports {@code what 'name'} at {@code at} unless the name is an id. */
  static void checkId(YamlNodes nodes, String what, String name, Node at, String path) {
    if (!ID.matcher(name).matches()) {
      nodes.error(at, path, what + " '" + name + "' must be " + ID_RULE);
    }
  }

  /** Reports {@code what 'name'} at {@code at} unless the name is a key. */
  static void checkKey(YamlNodes nodes, String what, String name, Node at, String path) {
    if (!KEY.matcher(name).matches()) {
      nodes.error(at, path, what + " '" + name
          + "' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
    }
  }
}
