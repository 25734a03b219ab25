package io.labflow.workflows.definition;

import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a step file's {@code parameters} (with their {@code format}, {@code arnTypes} and {@code
 * accounts}), {@code variants} and {@code defaultVariant}.
 */
record ParameterReader(YamlNodes nodes) {

  private static final Pattern ACCOUNT = Pattern.compile("^[0-9]{12}$");

  Map<String, ParameterDef> readParameters(Entry entry) {
    Map<String, ParameterDef> out = entry == null ? null : nodes.map(entry.value(), "parameters",
        (p, path) -> {
          DefinitionKeys.checkKey(nodes, "parameter name", p.key(), p.keyNode(), path);
          return readParameter(p.value(), path);
        });
    return withoutNulls(out);
  }

  /** What was read, without the values that could not be (they are reported); absent is empty. */
  private static <T> Map<String, T> withoutNulls(Map<String, T> read) {
    if (read == null) {
      return new LinkedHashMap<>();
    }
    read.values().removeIf(Objects::isNull);
    return read;
  }

  private ParameterDef readParameter(Node node, String path) {
    Map<String, Entry> m = nodes.mapping(node, path, DefinitionKeys.PARAMETER);
    if (m == null) {
      return null;
    }
    String given = oneOf(m, "type", path, "parameter type", DefinitionKeys.PARAMETER_TYPES);
    String type = given == null ? "string" : given;
    boolean required = Boolean.TRUE.equals(nodes.optionalBoolean(m, "required", path));
    String description = nodes.optionalString(m, "description", path);
    String pattern = nodes.optionalString(m, "pattern", path);
    Pattern compiled = null;
    if (pattern != null) {
      Node at = m.get("pattern").value();
      if (!type.equals("string") && !type.equals("integer")) {
        nodes.error(at, path + ".pattern",
            "pattern applies only to string and integer parameters, not " + type);
      } else {
        try {
          compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          nodes.error(at, path + ".pattern", "invalid pattern '" + pattern + "': "
              + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
      }
    }
    Object defaultValue = null;
    if (m.containsKey("default")) {
      Node at = m.get("default").value();
      defaultValue = nodes.plain(at, path + ".default");
      String problem = ValueTypes.problemShowingValue(type, defaultValue);
      if (defaultValue == null && at instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
        nodes.error(at, path + ".default", "default must not be null; leave it out instead");
      } else if (problem != null) {
        nodes.error(at, path + ".default", "default " + problem);
      }
    }
    String format = oneOf(m, "format", path, "format", DefinitionKeys.PARAMETER_FORMATS);
    if (format != null && !type.equals("string")) {
      nodes.error(valueOf(m, "format"), path + ".format",
          "format applies only to string parameters");
      format = null;
    }
    Node typesNode = valueOf(m, "arnTypes");
    Node accountsNode = valueOf(m, "accounts");
    List<String> types = list(typesNode, path + ".arnTypes", PrincipalArns.TYPES::contains,
        t -> "unknown principal type '" + t + "'" + Suggestions.hint(t, PrincipalArns.TYPES));
    List<String> accounts = list(accountsNode, path + ".accounts",
        a -> ACCOUNT.matcher(a).matches(),
        a -> "account '" + a + "' must be 12 digits (quote it, so YAML keeps leading zeros)");
    if ((typesNode != null || accountsNode != null) && !"arn".equals(format)) {
      nodes.error(typesNode != null ? typesNode : accountsNode, path,
          "arnTypes and accounts apply only to a parameter with format: arn");
    }
    ParameterDef def = new ParameterDef(
        type, required, defaultValue, pattern, description, format, types, accounts);
    if (ValueTypes.fits(type, defaultValue) && (pattern == null || compiled != null)) {
      ValueTypes.refusal(def, defaultValue).ifPresent(
          p -> nodes.error(valueOf(m, "default"), path + ".default", "default " + p));
    }
    return def;
  }

  /** The string at {@code key}, if given and one of {@code allowed}; else null (reported). */
  private String oneOf(
      Map<String, Entry> m, String key, String path, String what, List<String> allowed) {
    String v = nodes.optionalString(m, key, path);
    if (v != null && !allowed.contains(v)) {
      nodes.error(valueOf(m, key), path + "." + key,
          "unknown " + what + " '" + v + "'" + Suggestions.hint(v, allowed));
      return null;
    }
    return v;
  }

  /** The strings of a list (null when there is none), each that {@code ok} refuses reported. */
  private List<String> list(
      Node node, String path, Predicate<String> ok, Function<String, String> refusal) {
    List<String> items = node == null ? null : nodes.stringList(node, path);
    for (String item : items == null ? List.<String>of() : items) {
      if (!ok.test(item)) {
        nodes.error(node, path, refusal.apply(item));
      }
    }
    return items;
  }

  private static Node valueOf(Map<String, Entry> m, String key) {
    Entry e = m.get(key);
    return e == null ? null : e.value();
  }

  Map<String, Map<String, Object>> readVariants(Entry entry) {
    Map<String, Map<String, Object>> out = entry == null ? null
        : nodes.map(entry.value(), "variants", (v, path) -> {
          DefinitionKeys.checkId(nodes, "variant name", v.key(), v.keyNode(), path);
          Map<String, Object> keys = nodes.map(v.value(), path, (k, keyPath) -> {
            DefinitionKeys.checkKey(nodes, "variant key", k.key(), k.keyNode(), keyPath);
            return nodes.plain(k.value(), keyPath);
          });
          return keys == null ? null : Collections.unmodifiableMap(keys);
        });
    if (out != null && out.isEmpty()) {
      nodes.error(entry.value(), "variants", "variants must declare at least one variant");
    }
    return withoutNulls(out);
  }

  /** The {@code defaultVariant} of the document, which must name one of its variants. */
  String readDefaultVariant(Map<String, Entry> top, Map<String, Map<String, Object>> variants) {
    String defaultVariant = nodes.optionalString(top, "defaultVariant", "");
    if (defaultVariant != null) {
      Node at = top.get("defaultVariant").value();
      if (variants.isEmpty()) {
        nodes.error(at, "defaultVariant", "defaultVariant '" + defaultVariant
            + "' names a variant, but no variants are declared");
      } else if (!variants.containsKey(defaultVariant)) {
        nodes.error(at, "defaultVariant", "defaultVariant '" + defaultVariant
            + "' is not a declared variant" + Suggestions.hint(defaultVariant, variants.keySet()));
      }
    }
    return defaultVariant;
  }
}
