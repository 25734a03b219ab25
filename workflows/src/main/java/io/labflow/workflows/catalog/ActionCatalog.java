package io.labflow.workflows.catalog;

import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The set of actions that step files may use.
 *
 * <p>The engine knows nothing of AWS: the worker builds the catalog from the step library's
 * activity interfaces with {@link #fromActivityInterfaces}, and tests build it from their doubles.
 */
public final class ActionCatalog {

  /** The type names of a field's Java types besides enums, collections and maps. */
  private static final Map<Class<?>, String> SCALARS = Map.of(String.class, "string",
      Integer.class, "integer", Long.class, "integer", Double.class, "number",
      Float.class, "number", Boolean.class, "boolean");

  private final Map<String, ActionSpec> actions = new TreeMap<>();

  private ActionCatalog() {}

  public static ActionCatalog of(Collection<ActionSpec> specs) {
    ActionCatalog catalog = new ActionCatalog();
    for (ActionSpec spec : specs) {
      if (catalog.actions.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("action declared twice: " + spec.name());
      }
    }
    return catalog;
  }

  /**
   * Builds a catalog from Temporal activity interfaces.
   *
   * <p>Each method must take exactly one record (its input) and return a record (its output) or
   * nothing. The action's name is the activity type, as Temporal's own metadata names it.
   * A record component annotated with an annotation whose simple name is {@code Nullable} is
   * optional; every other component is required. A method annotated with an annotation whose
   * simple name is {@code LongRunning} declares a {@linkplain ActionSpec#longRunning long-running}
   * action. A component mapping an enum to values stands for one required field per constant,
   * named by the constant's {@code key()} (how the step library writes resources by kind). A
   * component annotated {@code Limit} or {@code Opposite} declares its {@link FieldSpec#limit} or
   * {@link FieldSpec#opposite}.
   */
  public static ActionCatalog fromActivityInterfaces(Class<?>... interfaces) {
    List<ActionSpec> specs = new ArrayList<>();
    for (Class<?> iface : interfaces) {
      for (POJOActivityMethodMetadata am :
          POJOActivityInterfaceMetadata.newInstance(iface).getMethodsMetadata()) {
        Method m = am.getMethod();
        if (m.getParameterCount() != 1 || !m.getParameterTypes()[0].isRecord()) {
          throw new IllegalArgumentException(
              iface.getName() + "." + m.getName() + " must take exactly one record");
        }
        List<FieldSpec> inputs = fields(m.getParameterTypes()[0]);
        List<FieldSpec> outputs =
            m.getReturnType().isRecord() ? fields(m.getReturnType()) : List.of();
        specs.add(new ActionSpec(am.getActivityTypeName(), inputs, outputs,
            annotation(m, "LongRunning").isPresent()));
      }
    }
    return of(specs);
  }

  private static List<FieldSpec> fields(Class<?> record) {
    List<FieldSpec> out = new ArrayList<>();
    for (RecordComponent rc : record.getRecordComponents()) {
      if (rc.getGenericType() instanceof ParameterizedType p && p.getRawType() == Map.class
          && p.getActualTypeArguments()[0] instanceof Class<?> k && k.isEnum()) {
        for (Object constant : k.getEnumConstants()) {
          String key = (String) call(constant.getClass(), constant, "key"); // its name in JSON
          out.add(new FieldSpec(key, typeName(p.getActualTypeArguments()[1]), true, null, null));
        }
        continue;
      }
      out.add(new FieldSpec(rc.getName(), typeName(rc.getGenericType()), required(rc), limit(rc),
          annotation(rc, "Opposite").map(a -> (String) attribute(a, "value")).orElse(null)));
    }
    return List.copyOf(out);
  }

  /** Whether the component is a required field: the rule above, the step library's check too. */
  public static boolean required(RecordComponent rc) {
    return rc.getType().isPrimitive() || annotation(rc, "Nullable").isEmpty()
        && annotation(rc.getAccessor(), "Nullable").isEmpty();
  }

  /** The component's annotation named {@code Limit} (see the step library), read reflectively. */
  private static FieldLimit limit(RecordComponent rc) {
    return annotation(rc, "Limit")
        .map(a -> new FieldLimit(
            (String) attribute(a, "what"),
            (Integer) attribute(a, "min"),
            (Integer) attribute(a, "max"),
            emptyAsNull(attribute(a, "pattern")),
            (String) attribute(a, "rule"),
            emptyAsNull(attribute(a, "key")),
            emptyAsNull(attribute(a, "format"))))
        .orElse(null);
  }

  private static String emptyAsNull(Object text) {
    return "".equals(text) ? null : (String) text;
  }

  private static Object attribute(Annotation a, String name) {
    return call(a.annotationType(), a, name);
  }

  /** The step library's types are read by name: the engine does not depend on it. */
  private static Object call(Class<?> type, Object target, String method) {
    try {
      return type.getMethod(method).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(type.getName() + " lacks " + method + "()", e);
    }
  }

  /** The annotation of that simple name: the engine does not depend on the step library. */
  private static Optional<Annotation> annotation(AnnotatedElement element, String simpleName) {
    return Arrays.stream(element.getAnnotations())
        .filter(a -> a.annotationType().getSimpleName().equals(simpleName))
        .findFirst();
  }

  private static String typeName(Type type) {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    Class<?> boxed = MethodType.methodType(raw).wrap().returnType(); // int is Integer, ...
    return raw.isEnum() ? "string"
        : Collection.class.isAssignableFrom(raw) ? "list"
        : Map.class.isAssignableFrom(raw) ? "map"
        : SCALARS.getOrDefault(boxed, "object");
  }

  public Optional<ActionSpec> find(String name) {
    return Optional.ofNullable(actions.get(name));
  }

  /**
   * Whether the action takes every one of these inputs: how a reader of steps (the plan, the
   * preflight) knows what a step does by what its action declares, not by the action's name.
   */
  public boolean takes(String name, String... inputs) {
    ActionSpec spec = actions.get(name);
    return spec != null && Arrays.stream(inputs).allMatch(f -> spec.input(f).isPresent());
  }

  /** Every action, sorted by name. */
  public Collection<ActionSpec> all() {
    return List.copyOf(actions.values());
  }

  /**
   * Every input of every step (and {@code onVariantChange} step) that a run would be refused for,
   * one sentence each naming the step and the field: a name over its limit (the names steps would
   * give AWS) and two {@linkplain FieldSpec#opposite opposite} lists that cannot both hold, checked
   * once their values are known, by {@code plan} and at the start of a run (the loader checks
   * literal values and those of each variant). A value that cannot be evaluated yet (it reads a
   * step's output) or still holds a plan placeholder ({@code <...>}) is not checked.
   */
  public List<String> inputProblems(Definition definition, Map<String, Object> scope) {
    List<String> problems = new ArrayList<>();
    for (ActionStep step : definition.actionSteps()) {
      String at = "step '" + step.id() + "' (" + step.action() + "): ";
      for (FieldSpec field : find(step.action()).map(ActionSpec::inputs).orElse(List.of())) {
        Expressions.evaluateIfKnown(limited(field, step.with().get(field.name())), scope)
            .flatMap(v -> nameProblem(field, v, s -> s.contains("<") && s.contains(">")))
            .ifPresent(p -> problems.add(at + p));
        oppositeProblem(field, step.with(), scope).ifPresent(p -> problems.add(at + p));
      }
    }
    return problems;
  }

  /**
   * {@code field 'F': why} the field's value and its opposite's, evaluated in {@code scope},
   * cannot both hold; empty when they can, or either cannot be evaluated in it.
   */
  public static Optional<String> oppositeProblem(
      FieldSpec field, Map<String, Object> with, Map<String, ?> scope) {
    if (field.opposite() == null) {
      return Optional.empty();
    }
    Optional<Object> theirs = Expressions.evaluateIfKnown(with.get(field.opposite()), scope);
    return Expressions.evaluateIfKnown(with.get(field.name()), scope)
        .flatMap(mine -> theirs.flatMap(other -> field.oppositeProblem(mine, other)))
        .map(p -> "field '" + field.name() + "': " + p);
  }

  /** Why a literal value (no expression) of a field breaks the field's limit, or empty. */
  public static Optional<String> literalProblem(FieldSpec field, Object value) {
    return nameProblem(field, limited(field, value), s -> s.contains("${"));
  }

  /** {@code field 'F': why}, unless the value is not known yet (such as a plan placeholder). */
  private static Optional<String> nameProblem(
      FieldSpec field, Object v, Predicate<String> unknown) {
    Optional<String> problem = v instanceof Number n ? field.limit().problem(n)
        : v instanceof String s && !unknown.test(s) ? field.limit().problem(s)
        : Optional.empty();
    String key = problem.isEmpty() ? null : field.limit().key();
    return problem.map(p -> "field '" + field.name() + (key == null ? "" : "." + key) + "': " + p);
  }

  /** The part of a value its field's limit applies to (a map field's key); null for none. */
  private static Object limited(FieldSpec field, Object value) {
    FieldLimit limit = field.limit();
    return limit == null ? null
        : limit.key() == null ? value
        : value instanceof Map<?, ?> m ? m.get(limit.key()) : null;
  }
}
