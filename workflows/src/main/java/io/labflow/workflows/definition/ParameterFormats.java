package io.labflow.workflows.definition;

import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.yaml.Suggestions;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A parameter's {@code format} and its companions ({@code arnTypes}, {@code accounts}): read by the
 * loader, applied by {@code ParameterBinder} to every value a run gives.
 */
public final class ParameterFormats {

  private static final Pattern ACCOUNT = Pattern.compile("^[0-9]{12}$");

  private ParameterFormats() {}

  /** The parameter with its format read from its keys {@code m}. */
  static ParameterDef read(YamlNodes nodes, String path, ParameterDef def, Map<String, Entry> m) {
    Node formatNode = valueOf(m, "format");
    Node typesNode = valueOf(m, "arnTypes");
    Node accountsNode = valueOf(m, "accounts");
    String format = null;
    if (formatNode != null) {
      format = nodes.string(formatNode, path + ".format");
      if (format != null && !DefinitionKeys.PARAMETER_FORMATS.contains(format)) {
        nodes.error(formatNode, path + ".format", "unknown format '" + format + "'"
            + Suggestions.hint(format, DefinitionKeys.PARAMETER_FORMATS));
        format = null;
      } else if (format != null && !def.type().equals("string")) {
        nodes.error(formatNode, path + ".format", "format applies only to string parameters");
        format = null;
      }
    }
    List<String> types = list(nodes, typesNode, path + ".arnTypes", PrincipalArns.TYPES::contains,
        t -> "unknown principal type '" + t + "'" + Suggestions.hint(t, PrincipalArns.TYPES));
    List<String> accounts = list(nodes, accountsNode, path + ".accounts",
        a -> ACCOUNT.matcher(a).matches(),
        a -> "account '" + a + "' must be 12 digits (quote it, so YAML keeps leading zeros)");
    if ((typesNode != null || accountsNode != null) && !"arn".equals(format)) {
      nodes.error(typesNode != null ? typesNode : accountsNode, path,
          "arnTypes and accounts apply only to a parameter with format: arn");
    }
    ParameterDef out = new ParameterDef(def.type(), def.required(), def.defaultValue(),
        def.pattern(), def.description(), format, types, accounts);
    if (out.isArn() && def.defaultValue() instanceof String d) {
      problem(out, d).ifPresent(p -> nodes.error(formatNode, path + ".default", "default " + p));
    }
    return out;
  }

  /** The strings of a list (null when there is none), each that {@code ok} refuses reported. */
  private static List<String> list(YamlNodes nodes, Node node, String path, Predicate<String> ok,
      Function<String, String> refusal) {
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

  /** Why a value breaks the parameter's format, or empty. */
  public static Optional<String> problem(ParameterDef def, String value) {
    if (!def.isArn()) {
      return Optional.empty();
    }
    return PrincipalArns.problem(value, def.arnTypes())
        .map(p -> io.labflow.workflows.input.InputLimits.quote(value) + " " + p);
  }
}
