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
    check(ID, "must be " + DefinitionKeys.ID_RULE, nodes, what, name, at, path);
  }

  /** Reports {@code what 'name'} at {@code at} unless the name is a key. */
  static void checkKey(YamlNodes nodes, String what, String name, Node at, String path) {
    check(KEY, "must start with a letter or '_' and hold only letters, digits, '_' and '-'",
        nodes, what, name, at, path);
  }

  private static void check(
      Pattern rule, String says, YamlNodes nodes, String what, String name, Node at, String path) {
    if (!rule.matcher(name).matches()) {
      nodes.error(at, path, what + " '" + name + "' " + says);
    }
  }
}
