package io.labflow.workflows.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${root.a.b}} template language of step files.
 *
 * <p>A string that is exactly one reference evaluates to the referenced value with its own type (a
 * list stays a list); a string that mixes text and references evaluates to a string. {@code $$}
 * writes a literal dollar sign. Evaluation is pure, so it is safe in workflow code.
 */
public final class Expressions {

  public static final List<String> ROOTS = List.of("params", "variant", "lab", "steps");

  /** A {@code $$} (a literal dollar), or a {@code ${...}}: its closing brace empty if missing. */
  private static final Pattern TOKEN = Pattern.compile("\\$(?:\\$|\\{([^}]*)(}?))");

  private static final Pattern PATH =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");

  private Expressions() {}

  /**
   * Every reference in a string.
   *
   * @throws ExpressionException when a {@code ${} is not closed, or a reference is empty or has an
   *     empty or malformed part
   */
  public static List<Reference> references(String template) {
    List<Reference> out = new ArrayList<>();
    for (Matcher m = TOKEN.matcher(template); m.find(); ) {
      if (m.group(1) == null) {
        continue;
      }
      if (m.group(2).isEmpty()) {
        throw new ExpressionException("unclosed '${' at offset " + m.start());
      }
      String text = m.group(1).trim();
      if (text.isEmpty()) {
        throw new ExpressionException("empty expression '${}'");
      }
      if (!PATH.matcher(text).matches()) {
        throw new ExpressionException("malformed expression '${" + text + "}'");
      }
      out.add(new Reference(text, List.of(text.split("\\.")), m.start()));
    }
    return out;
  }

  /**
   * Evaluates every string inside a value (strings, lists and maps, recursively) in a scope of
   * {@link LabScope}.
   *
   * @throws ExpressionException when a reference names something the scope lacks
   */
  public static Object evaluate(Object value, Map<String, ?> scope) {
    if (value instanceof String s) {
      return evaluateString(s, scope);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(item -> evaluate(item, scope)).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), evaluate(v, scope)));
      return out;
    }
    return value;
  }

  /**
   * {@link #evaluate}, or empty when a reference names what the scope lacks (a step's output, a
   * parameter known only at run time) or the value is null: what a check before the run can know.
   */
  public static Optional<Object> evaluateIfKnown(Object value, Map<String, ?> scope) {
    try {
      return Optional.ofNullable(evaluate(value, scope));
    } catch (ExpressionException notYetKnown) {
      return Optional.empty();
    }
  }

  /**
   * Whether the string is exactly one reference and nothing else, so that it evaluates to the
   * referenced value with its own type rather than to a string.
   *
   * @throws ExpressionException when the string holds a malformed expression
   */
  public static boolean isSingleReference(String template) {
    List<Reference> refs = references(template);
    return refs.size() == 1
        && refs.get(0).offset() == 0
        && template.indexOf('}') == template.length() - 1;
  }

  /**
   * The parameter a value reads when it is exactly one {@code ${params.X}} reference (X may hold
   * dashes), else null: not a string, another root, text around the reference, or malformed.
   */
  public static String parameterOf(Object value) {
    try {
      return value instanceof String s && isSingleReference(s.trim())
          ? references(s.trim()).get(0).parameter() : null;
    } catch (ExpressionException e) {
      return null;
    }
  }

  /**
   * A template's text with each part rewritten, in order: {@code text} gets each run of literal
   * text ({@code $$} read as {@code $}), {@code value} each reference; the result ends before the
   * first reference {@code value} gives null for. Evaluation's walk, for what reads a template
   * without a scope (a name's literal prefix, a name as a pattern).
   *
   * @throws ExpressionException when the string holds a malformed expression
   */
  public static String fill(String template, UnaryOperator<String> text,
      Function<Reference, Object> value) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Reference ref : references(template)) {
      out.append(text.apply(template.substring(at, ref.offset()).replace("$$", "$")));
      Object v = value.apply(ref);
      if (v == null) {
        return out.toString();
      }
      out.append(v);
      at = ref.end(template);
    }
    return out.append(text.apply(template.substring(at).replace("$$", "$"))).toString();
  }

  private static Object evaluateString(String template, Map<String, ?> scope) {
    if (isSingleReference(template)) {
      return lookup(references(template).get(0), scope);
    }
    return fill(template, UnaryOperator.identity(),
        ref -> Objects.requireNonNullElse(lookup(ref, scope), ""));
  }

  private static Object lookup(Reference ref, Map<String, ?> scope) {
    Object current = scope;
    for (String part : ref.path()) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        throw new ExpressionException("'${" + ref.text() + "}' has no value");
      }
      current = map.get(part);
    }
    return current;
  }
}
