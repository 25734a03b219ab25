package io.labflow.activities.cloudformation;

import io.labflow.activities.common.Tags;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The one reader of a step's {@code templateFile} (the CreateStack activity, the worker's policy
 * and a lab's needs read it here) and of a CloudFormation template's resources (YAML or JSON,
 * composed into nodes so that {@code !Ref}, {@code !Sub} and the other short forms need no
 * constructor): their types, for the worker policy, and the values checked before a stack is
 * created (its buckets' names, its instances' types), each a literal or {@code !Ref} of a stack
 * parameter. A value written any other way is not found (and then not checked beforehand).
 */
public final class TemplateFacts {

  /** One property value: a stack parameter it refers to, or a literal. */
  public record Value(String parameter, String literal) {

    /** The value with these stack parameters; null when the parameter is not given. */
    public String resolve(Map<String, String> parameters) {
      return parameter == null ? literal : parameters.get(parameter);
    }
  }

  private TemplateFacts() {}

  /**
   * The text of a {@code templateFile}, a path relative to the definitions directory.
   *
   * @throws IllegalArgumentException naming the templateFile when it leaves the directory, cannot
   *     be read or is not YAML or JSON
   */
  public static String read(Path definitionsDir, String templateFile) {
    Path dir = definitionsDir.toAbsolutePath().normalize();
    Path p = dir.resolve(templateFile).normalize();
    if (!p.startsWith(dir)) {
      throw new IllegalArgumentException(
          "templateFile '" + templateFile + "' leaves the definitions directory " + dir);
    }
    try {
      String body = Files.readString(p, StandardCharsets.UTF_8);
      compose(body);
      return body;
    } catch (IOException e) {
      throw new IllegalArgumentException("templateFile '" + templateFile + "': cannot read " + p);
    } catch (YAMLException e) {
      String why = e instanceof MarkedYAMLException m && m.getProblemMark() != null
          ? "line " + (m.getProblemMark().getLine() + 1) + ", column "
              + (m.getProblemMark().getColumn() + 1) + ": " + m.getProblem()
          : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalArgumentException("templateFile '" + templateFile + "': " + p
          + " is not valid YAML or JSON (" + why + ")");
    }
  }

  /** The {@code InstanceType} of every {@code AWS::EC2::Instance} of the template. */
  public static List<Value> instanceTypes(String body) {
    return values(body, "AWS::EC2::Instance", "InstanceType");
  }

  /** How many resources of this type the template declares. */
  public static int count(String body, String type) {
    return (int) resources(compose(body), type).count();
  }

  /**
   * Why CloudFormation would refuse these stack parameters for the template (it refuses one the
   * template does not declare, and leaves none without a Default unset), or null; labflow itself
   * adds {@code LabId}, {@code LabNamespace} and {@code LabRun} to every stack's parameters.
   */
  public static String parameterMismatch(String body, Collection<?> step) {
    Set<String> given = new LinkedHashSet<>(ownership(new Tags.Owner(null, null, null)).keySet());
    step.forEach(k -> given.add(String.valueOf(k)));
    List<NodeTuple> declared = entries(field(compose(body), "Parameters")).toList();
    for (String g : given) {
      if (declared.stream().noneMatch(e -> g.equals(scalar(e.getKeyNode())))) {
        return "declares no parameter '" + g + "', which CloudFormation then refuses";
      }
    }
    return declared.stream().filter(e -> field(e.getValueNode(), "Default") == null)
        .map(e -> scalar(e.getKeyNode())).filter(n -> !given.contains(n)).findFirst()
        .map(n -> "declares parameter '" + n + "' without a Default, and with.parameters does"
            + " not set it").orElse(null);
  }

  /** The parameters labflow adds to every stack: its ownership tags' values (see CreateStack). */
  static Map<String, String> ownership(Tags.Owner owner) {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("LabId", owner.labId());
    own.put("LabNamespace", owner.namespace() == null ? "" : owner.namespace());
    own.put("LabRun", owner.runId() == null ? "" : owner.runId());
    return own;
  }

  /** The AWS types the template names, its parameters' and its resources', in its order. */
  public static Set<String> types(String body) {
    Set<String> types = new LinkedHashSet<>();
    entries(compose(body))
        .filter(e -> List.of("Parameters", "Resources").contains(scalar(e.getKeyNode())))
        .flatMap(e -> entries(e.getValueNode()))
        .map(e -> scalar(field(e.getValueNode(), "Type")))
        .filter(t -> t != null && t.startsWith("AWS::"))
        .forEach(types::add);
    return types;
  }

  /** The values of one top-level property of every resource of one type. */
  static List<Value> values(String body, String type, String property) {
    return resources(compose(body), type)
        .map(r -> field(field(r, "Properties"), property))
        .filter(ScalarNode.class::isInstance)
        .map(ScalarNode.class::cast)
        .filter(v -> v.getTag().getValue().equals("!Ref") || v.getTag().startsWith(Tag.PREFIX))
        .map(v -> v.getTag().startsWith(Tag.PREFIX)
            ? new Value(null, v.getValue()) : new Value(v.getValue(), null))
        .toList();
  }

  /** The template's nodes; a text {@link #read} did not return may throw {@link YAMLException}. */
  private static Node compose(String body) {
    // JSON is YAML but for tabs, which JSON allows between tokens (and nowhere else unescaped).
    boolean json = body.stripLeading().startsWith("{");
    return new Yaml().compose(new StringReader(json ? body.replace('\t', ' ') : body));
  }

  private static Stream<Node> resources(Node template, String type) {
    return entries(field(template, "Resources")).map(NodeTuple::getValueNode)
        .filter(r -> type.equals(scalar(field(r, "Type"))));
  }

  private static Stream<NodeTuple> entries(Node mapping) {
    return mapping instanceof MappingNode m ? m.getValue().stream() : Stream.empty();
  }

  private static Node field(Node mapping, String key) {
    return entries(mapping).filter(e -> key.equals(scalar(e.getKeyNode())))
        .map(NodeTuple::getValueNode).findFirst().orElse(null);
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : null;
  }
}
