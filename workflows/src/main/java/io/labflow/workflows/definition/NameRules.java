package io.labflow.workflows.definition;

import io.labflow.workflows.yaml.YamlNodes;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The two name rules of a step file, each checked and worded in one place: ids ({@link
 * DefinitionKeys#ID_PATTERN}: the definition, its variants and steps) and keys ({@link
 * DefinitionKeys#KEY_PATTERN}: parameters and variant keys, what a {@code ${...}} part may be).
 */
final class NameRules {

  private static final Pattern ID = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern KEY = Pattern.compile(DefinitionKeys.KEY_PATTERN);

  private NameRules() {}

  /** Reports {@code what 'name'} at {@code at} unless the name is an id. */
  static void checkId(YamlNodes nodes, String what, String name, Node at, String path) {
    if (!ID.matcher(name).matches()) {
      nodes.error(at, path, what + " '" + name + "' must be " + DefinitionKeys.ID_RULE);
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
