package io.labflow.activities.cloudformation;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CloudFormation template (YAML, as labflow's templates are written) says about names and
 * values checked before a stack is created: its buckets' names and its instances' types, each a
 * literal or {@code !Ref} of a stack parameter. Read from the text, as the worker policy reads
 * resource types; a value written any other way is not found (and then not checked beforehand).
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

  /** The {@code InstanceType} of every {@code AWS::EC2::Instance} of the template. */
  public static List<Value> instanceTypes(String body) {
    return values(body, "AWS::EC2::Instance", "InstanceType");
  }

  /** How many resources of this type the template declares. */
  public static int count(String body, String type) {
    return (int) resource(type).matcher(body).results().count();
  }

  /** A resource of one type: group 1 its indentation, group 2 its body. */
  private static Pattern resource(String type) {
    return Pattern.compile(
        "(?m)^( +)[A-Za-z0-9]+:[ \\t]*\\r?\\n\\1 +Type:[ \\t]*[\"']?" + Pattern.quote(type)
            + "[\"']?[ \\t]*$((?:\\r?\\n(?:\\1 .*|[ \\t]*$))*)");
  }

  /** The values of one top-level property of every resource of one type. */
  static List<Value> values(String body, String type, String property) {
    Pattern value = Pattern.compile(
        "(?m)^ +" + Pattern.quote(property)
            + ":[ \\t]*(?:!Ref[ \\t]+([A-Za-z0-9]+)|[\"']?([A-Za-z0-9][A-Za-z0-9.-]*)[\"']?)[ \\t]*\\r?$");
    return resource(type).matcher(body).results()
        .map(r -> value.matcher(r.group(2)))
        .filter(Matcher::find)
        .map(v -> new Value(v.group(1), v.group(2)))
        .toList();
  }
}
