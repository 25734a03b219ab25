package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import io.labflow.workflows.catalog.NameLimits;
import io.labflow.workflows.expr.ExpressionException;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reads one parsed step file into the model, collecting every problem. Used once per load. */
final class DefinitionReader {

  /** How many values a document may expand to through aliases before it is refused. */
  private static final int MAX_VALUES = 100_000;

  private static final Pattern ID = Pattern.compile(DefinitionKeys.ID_PATTERN);
  private static final Pattern KEY = Pattern.compile(DefinitionKeys.KEY_PATTERN);
  private static final List<String> STEP_KEYS;

  static {
    List<String> keys = new ArrayList<>(DefinitionKeys.ACTION_STEP);
    keys.add("parallel");
    STEP_KEYS = List.copyOf(keys);
  }

  private final String file;
  private final ActionCatalog catalog;
  private final List<Diagnostic> errors = new ArrayList<>();
  private int values;
  private boolean tooManyValues;

  /** A key of a mapping with its nodes. */
  private record Entry(String key, Node keyNode, Node value) {}

  /** A step as read, with the nodes later checks point at. */
  private static final class RawStep {
    String id;
    Node idNode;
    String path;
    Node node;
    ActionSpec action;
    Map<String, Entry> with = Map.of();
    String withPath;
    ActionSpec compensateAction;
    Map<String, Entry> compensateWith = Map.of();
    String compensatePath;
    List<RawStep> branches = List.of();
    boolean parallel;
    Step step;
  }

  DefinitionReader(String file, ActionCatalog catalog) {
    this.file = file;
    this.catalog = catalog;
  }

  List<Diagnostic> errors() {
    List<Diagnostic> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    return sorted;
  }

  // ---------------------------------------------------------------- the document

  Definition read(Node root) {
    Map<String, Entry> top = mapping(root, "", DefinitionKeys.TOP_LEVEL);
    if (top == null) {
      return null;
    }
    String name = requiredString(top, "name", root, "");
    if (name != null && !ID.matcher(name).matches()) {
      error(
          top.get("name").value(),
          "name",
          "name '"
              + name
              + "' must be lowercase letters, digits and dashes, starting with a letter");
    }
    String description = optionalString(top, "description", "");
    String version = null;
    if (top.containsKey("version")) {
      Node v = top.get("version").value();
      if (v instanceof ScalarNode s && isPlainScalar(s)) {
        version = s.getValue();
      } else {
        error(v, "version", "version must be a string, got " + describe(v));
      }
    }
    Map<String, ParameterDef> parameters = readParameters(top.get("parameters"));
    Map<String, Map<String, Object>> variants = readVariants(top.get("variants"));
    String defaultVariant = optionalString(top, "defaultVariant", "");
    if (defaultVariant != null) {
      Node at = top.get("defaultVariant").value();
      if (variants.isEmpty()) {
        error(
            at,
            "defaultVariant",
            "defaultVariant '" + defaultVariant + "' names a variant, but no variants are declared");
      } else if (!variants.containsKey(defaultVariant)) {
        error(
            at,
            "defaultVariant",
            "defaultVariant '"
                + defaultVariant
                + "' is not a declared variant"
                + Suggestions.hint(defaultVariant, variants.keySet()));
      }
    }
    StepDefaults defaults = readDefaults(top.get("defaults"));

    List<RawStep> steps = new ArrayList<>();
    if (!top.containsKey("steps")) {
      error(root, "", "missing required key 'steps'");
    } else {
      Node stepsNode = top.get("steps").value();
      steps = readSteps(stepsNode, "steps", defaults);
      if (steps != null && steps.isEmpty() && stepsNode instanceof SequenceNode) {
        error(stepsNode, "steps", "steps must hold at least one step");
      }
    }
    List<RawStep> onChange = new ArrayList<>();
    if (top.containsKey("onVariantChange")) {
      onChange = readSteps(top.get("onVariantChange").value(), "onVariantChange", defaults);
      if (onChange != null && !onChange.isEmpty() && variants.isEmpty()) {
        error(
            top.get("onVariantChange").keyNode(),
            "onVariantChange",
            "onVariantChange is set, but no variants are declared to switch between");
      }
    }
    steps = steps == null ? List.of() : steps;
    onChange = onChange == null ? List.of() : onChange;
    Duration keepAlive = optionalDuration(top, "keepAlive", "");

    checkUniqueIds(steps, onChange);
    checkReferences(steps, onChange, parameters, variants);

    return new Definition(
        name,
        description,
        version,
        Collections.unmodifiableMap(parameters),
        Collections.unmodifiableMap(variants),
        defaultVariant,
        defaults,
        steps.stream().map(s -> s.step).toList(),
        onChange.stream().map(s -> s.step).toList(),
        keepAlive);
  }

  // ---------------------------------------------------------------- parameters and variants

  private Map<String, ParameterDef> readParameters(Entry entry) {
    Map<String, ParameterDef> out = new LinkedHashMap<>();
    if (entry == null) {
      return out;
    }
    Map<String, Entry> params = mapping(entry.value(), "parameters", null);
    if (params == null) {
      return out;
    }
    for (Entry p : params.values()) {
      String path = "parameters." + p.key();
      if (!KEY.matcher(p.key()).matches()) {
        error(
            p.keyNode(),
            path,
            "parameter name '"
                + p.key()
                + "' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
      }
      ParameterDef def = readParameter(p.value(), path);
      if (def != null) {
        out.put(p.key(), def);
      }
    }
    return out;
  }

  private ParameterDef readParameter(Node node, String path) {
    Map<String, Entry> m = mapping(node, path, DefinitionKeys.PARAMETER);
    if (m == null) {
      return null;
    }
    String type = "string";
    if (m.containsKey("type")) {
      String t = string(m.get("type").value(), path + ".type");
      if (t != null && !DefinitionKeys.PARAMETER_TYPES.contains(t)) {
        error(
            m.get("type").value(),
            path + ".type",
            "unknown parameter type '" + t + "'" + Suggestions.hint(t, DefinitionKeys.PARAMETER_TYPES));
      } else if (t != null) {
        type = t;
      }
    }
    boolean required = Boolean.TRUE.equals(optionalBoolean(m, "required", path));
    String description = optionalString(m, "description", path);
    String pattern = optionalString(m, "pattern", path);
    Pattern compiled = null;
    if (pattern != null) {
      Node at = m.get("pattern").value();
      if (!type.equals("string")) {
        error(at, path + ".pattern", "pattern applies only to string parameters, not " + type);
      } else {
        try {
          compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          error(
              at,
              path + ".pattern",
              "invalid pattern '"
                  + pattern
                  + "': "
                  + e.getDescription()
                  + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
      }
    }
    Object defaultValue = null;
    if (m.containsKey("default")) {
      Node at = m.get("default").value();
      defaultValue = plain(at, path + ".default");
      String problem = ValueTypes.problemShowingValue(type, defaultValue);
      if (defaultValue == null) {
        if (at instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
          error(at, path + ".default", "default must not be null; leave it out instead");
        }
      } else if (problem != null) {
        error(at, path + ".default", "default " + problem);
      } else if (compiled != null && !compiled.matcher((String) defaultValue).matches()) {
        error(
            at,
            path + ".default",
            "default '" + defaultValue + "' does not match pattern '" + pattern + "'");
      }
    }
    ParameterDef def = new ParameterDef(type, required, defaultValue, pattern, description);
    return ParameterFormats.read(
        this, path, def, valueOf(m, "format"), valueOf(m, "arnTypes"), valueOf(m, "accounts"));
  }

  private static Node valueOf(Map<String, Entry> m, String key) {
    Entry e = m.get(key);
    return e == null ? null : e.value();
  }

  /** For {@link ParameterFormats}: reports a problem at a node. */
  void report(Node node, String path, String message) {
    error(node, path, message);
  }

  /** For {@link ParameterFormats}: a string value, or null after reporting why not. */
  String readString(Node node, String path) {
    return string(node, path);
  }

  /** For {@link ParameterFormats}: a list of strings, or null after reporting why not. */
  List<String> readStringList(Node node, String path) {
    return stringList(node, path);
  }

  private Map<String, Map<String, Object>> readVariants(Entry entry) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (entry == null) {
      return out;
    }
    Map<String, Entry> variants = mapping(entry.value(), "variants", null);
    if (variants == null) {
      return out;
    }
    if (variants.isEmpty()) {
      error(entry.value(), "variants", "variants must declare at least one variant");
    }
    for (Entry v : variants.values()) {
      String path = "variants." + v.key();
      if (!ID.matcher(v.key()).matches()) {
        error(
            v.keyNode(),
            path,
            "variant name '"
                + v.key()
                + "' must be lowercase letters, digits and dashes, starting with a letter");
      }
      Map<String, Entry> values = mapping(v.value(), path, null);
      if (values == null) {
        continue;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (Entry value : values.values()) {
        if (!KEY.matcher(value.key()).matches()) {
          error(
              value.keyNode(),
              path + "." + value.key(),
              "variant key '"
                  + value.key()
                  + "' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
        }
        map.put(value.key(), plain(value.value(), path + "." + value.key()));
      }
      out.put(v.key(), Collections.unmodifiableMap(map));
    }
    return out;
  }

  // ---------------------------------------------------------------- defaults and retry

  private StepDefaults readDefaults(Entry entry) {
    StepDefaults builtIn = DefinitionLoader.BUILT_IN_DEFAULTS;
    if (entry == null) {
      return builtIn;
    }
    Map<String, Entry> m = mapping(entry.value(), "defaults", DefinitionKeys.DEFAULTS);
    if (m == null) {
      return builtIn;
    }
    RetrySpec retry = builtIn.retry();
    if (m.containsKey("retry")) {
      RetrySpec written = readRetry(m.get("retry").value(), "defaults.retry");
      if (written != null) {
        retry = merge(written, builtIn.retry());
        checkIntervals(retry, m.get("retry").value(), "defaults.retry");
      }
    }
    Duration timeout = optionalDuration(m, "timeout", "defaults");
    Duration scheduleToClose = optionalDuration(m, "scheduleToClose", "defaults");
    Duration heartbeat = optionalDuration(m, "heartbeat", "defaults");
    OnFailure onFailure = optionalOnFailure(m, "defaults");
    Duration pauseTimeout = optionalDuration(m, "pauseTimeout", "defaults");
    return new StepDefaults(
        retry,
        timeout == null ? builtIn.timeout() : timeout,
        scheduleToClose,
        heartbeat,
        onFailure == null ? builtIn.onFailure() : onFailure,
        pauseTimeout == null ? builtIn.pauseTimeout() : pauseTimeout);
  }

  private RetrySpec readRetry(Node node, String path) {
    Map<String, Entry> m = mapping(node, path, DefinitionKeys.RETRY);
    if (m == null) {
      return null;
    }
    Duration initial = optionalDuration(m, "initialInterval", path);
    Double backoff = null;
    if (m.containsKey("backoffCoefficient")) {
      Node at = m.get("backoffCoefficient").value();
      Object v = scalar(at, path + ".backoffCoefficient");
      if (v instanceof Number n) {
        backoff = n.doubleValue();
        if (backoff < 1.0) {
          error(
              at,
              path + ".backoffCoefficient",
              "backoffCoefficient must be at least 1.0, got " + at(at));
        }
      } else if (!(at instanceof ScalarNode s
          && (isBadTag(s) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.INT)))) {
        error(at, path + ".backoffCoefficient", "backoffCoefficient must be a number, got " + describe(at));
      }
    }
    Duration maximum = optionalDuration(m, "maximumInterval", path);
    Integer attempts = null;
    if (m.containsKey("maximumAttempts")) {
      Node at = m.get("maximumAttempts").value();
      Object v = scalar(at, path + ".maximumAttempts");
      if (v instanceof Integer i) {
        attempts = i;
        if (i < 0) {
          error(
              at,
              path + ".maximumAttempts",
              "maximumAttempts must be 0 (unlimited) or more, got " + i);
        }
      } else {
        error(
            at,
            path + ".maximumAttempts",
            "maximumAttempts must be an integer, got " + describe(at));
      }
    }
    List<String> nonRetryable = null;
    if (m.containsKey("nonRetryable")) {
      nonRetryable = stringList(m.get("nonRetryable").value(), path + ".nonRetryable");
    }
    return new RetrySpec(initial, backoff, maximum, attempts, nonRetryable);
  }

  private static RetrySpec merge(RetrySpec written, RetrySpec base) {
    return new RetrySpec(
        written.initialInterval() != null ? written.initialInterval() : base.initialInterval(),
        written.backoffCoefficient() != null
            ? written.backoffCoefficient()
            : base.backoffCoefficient(),
        written.maximumInterval() != null ? written.maximumInterval() : base.maximumInterval(),
        written.maximumAttempts() != null ? written.maximumAttempts() : base.maximumAttempts(),
        written.nonRetryable() != null ? written.nonRetryable() : base.nonRetryable());
  }

  /** Temporal refuses a maximum interval below the initial one, so catch it before a run starts. */
  private void checkIntervals(RetrySpec effective, Node at, String path) {
    if (effective.initialInterval() != null
        && effective.maximumInterval() != null
        && effective.maximumInterval().compareTo(effective.initialInterval()) < 0) {
      error(
          at,
          path,
          "maximumInterval "
              + Durations.format(effective.maximumInterval())
              + " is shorter than initialInterval "
              + Durations.format(effective.initialInterval()));
    }
  }

  // ---------------------------------------------------------------- steps

  private List<RawStep> readSteps(Node node, String path, StepDefaults defaults) {
    if (!(node instanceof SequenceNode seq)) {
      error(node, path, path + " must be a list of steps, got " + describe(node));
      return null;
    }
    List<RawStep> out = new ArrayList<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      RawStep step = readStep(items.get(i), path + "[" + i + "]", defaults, null);
      if (step != null) {
        out.add(step);
      }
    }
    return out;
  }

  private RawStep readStep(Node node, String path, StepDefaults defaults, String group) {
    Map<String, Entry> m = mapping(node, path, STEP_KEYS);
    if (m == null) {
      return null;
    }
    RawStep raw = new RawStep();
    raw.path = path;
    raw.node = node;
    raw.id = requiredString(m, "id", node, path);
    if (raw.id != null) {
      raw.idNode = m.get("id").value();
      if (!ID.matcher(raw.id).matches()) {
        error(
            raw.idNode,
            path + ".id",
            "step id '"
                + raw.id
                + "' must be lowercase letters, digits and dashes, starting with a letter");
      }
    }
    int line = node.getStartMark().getLine() + 1;
    if (m.containsKey("parallel")) {
      Entry parallel = m.get("parallel");
      if (group != null) {
        error(
            parallel.keyNode(),
            path + ".parallel",
            "parallel groups cannot be nested: branch '"
                + raw.id
                + "' of group '"
                + group
                + "' has 'parallel'");
        return raw.id == null ? null : finish(raw, line);
      }
      for (Entry e : m.values()) {
        if (!DefinitionKeys.PARALLEL_STEP.contains(e.key())) {
          error(
              e.keyNode(),
              path + "." + e.key(),
              "a parallel group takes only 'id' and 'parallel'; put '"
                  + e.key()
                  + "' on its branches");
        }
      }
      raw.parallel = true;
      List<RawStep> branches = new ArrayList<>();
      if (!(parallel.value() instanceof SequenceNode seq)) {
        error(
            parallel.value(),
            path + ".parallel",
            "parallel must be a list of branch steps, got " + describe(parallel.value()));
      } else if (seq.getValue().isEmpty()) {
        error(seq, path + ".parallel", "a parallel group needs at least one branch");
      } else {
        for (int i = 0; i < seq.getValue().size(); i++) {
          RawStep b =
              readStep(
                  seq.getValue().get(i),
                  path + ".parallel[" + i + "]",
                  defaults,
                  raw.id == null ? "?" : raw.id);
          if (b != null) {
            branches.add(b);
          }
        }
      }
      raw.branches = branches;
      return finish(raw, line);
    }

    if (!m.containsKey("action")) {
      error(
          node,
          path,
          (raw.id == null ? "the step" : "step '" + raw.id + "'")
              + " needs 'action' (or 'parallel' for a parallel group)");
    }
    String actionName = optionalString(m, "action", path);
    raw.action = action(actionName, m.get("action"), path + ".action");
    raw.withPath = path + ".with";
    Map<String, Object> with = Map.of();
    if (m.containsKey("with")) {
      raw.with = withEntries(m.get("with").value(), raw.withPath);
      with = withValues(raw.with, raw.withPath);
    } else if (m.containsKey("action")) {
      raw.with = Map.of();
    }
    checkWith(raw.action, raw.with, m.containsKey("with") ? m.get("with").value() : node, raw.withPath);

    RetrySpec retry = optionalRetry(m, path, defaults);
    Duration timeout = optionalDuration(m, "timeout", path);
    Duration scheduleToClose = optionalDuration(m, "scheduleToClose", path);
    Duration heartbeat = heartbeatOf(m, path, raw.action, defaults);
    Compensation compensate = null;
    if (m.containsKey("compensate")) {
      compensate = readCompensation(m.get("compensate").value(), path + ".compensate", raw, defaults);
    }
    OnFailure onFailure = optionalOnFailure(m, path);
    raw.step =
        new Step(
            raw.id,
            actionName,
            with,
            retry,
            timeout,
            scheduleToClose,
            heartbeat,
            compensate,
            onFailure,
            List.of(),
            line);
    return raw;
  }

  private RawStep finish(RawStep raw, int line) {
    raw.step =
        new Step(
            raw.id,
            null,
            Map.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            raw.branches.stream().map(b -> b.step).toList(),
            line);
    return raw;
  }

  /**
   * The {@code retry} of a step or compensation, if it has one; its intervals are checked merged
   * with the definition's default retry, since that is the policy the step will run with.
   */
  private RetrySpec optionalRetry(Map<String, Entry> m, String path, StepDefaults defaults) {
    if (!m.containsKey("retry")) {
      return null;
    }
    Node at = m.get("retry").value();
    RetrySpec retry = readRetry(at, path + ".retry");
    if (retry != null && (retry.initialInterval() != null || retry.maximumInterval() != null)) {
      checkIntervals(merge(retry, defaults.retry()), at, path + ".retry");
    }
    return retry;
  }

  private Compensation readCompensation(
      Node node, String path, RawStep raw, StepDefaults defaults) {
    Map<String, Entry> m = mapping(node, path, DefinitionKeys.COMPENSATE);
    if (m == null) {
      return null;
    }
    String actionName = requiredString(m, "action", node, path);
    raw.compensateAction = action(actionName, m.get("action"), path + ".action");
    raw.compensatePath = path + ".with";
    Map<String, Object> with = Map.of();
    if (m.containsKey("with")) {
      raw.compensateWith = withEntries(m.get("with").value(), raw.compensatePath);
      with = withValues(raw.compensateWith, raw.compensatePath);
    }
    checkWith(
        raw.compensateAction,
        raw.compensateWith,
        m.containsKey("with") ? m.get("with").value() : node,
        raw.compensatePath);
    RetrySpec retry = optionalRetry(m, path, defaults);
    Duration timeout = optionalDuration(m, "timeout", path);
    Duration heartbeat = heartbeatOf(m, path, raw.compensateAction, defaults);
    return new Compensation(actionName, with, retry, timeout, heartbeat);
  }

  /**
   * The {@code heartbeat} of a step or compensation; for a long-running action that neither it nor
   * the defaults give one, {@link DefinitionLoader#LONG_RUNNING_HEARTBEAT}.
   */
  private Duration heartbeatOf(
      Map<String, Entry> m, String path, ActionSpec action, StepDefaults defaults) {
    Duration own = optionalDuration(m, "heartbeat", path);
    if (own == null && defaults.heartbeat() == null && action != null && action.longRunning()) {
      return DefinitionLoader.LONG_RUNNING_HEARTBEAT;
    }
    return own;
  }

  private ActionSpec action(String name, Entry entry, String path) {
    if (name == null) {
      return null;
    }
    Optional<ActionSpec> spec = catalog.find(name);
    if (spec.isEmpty()) {
      List<String> names = catalog.all().stream().map(ActionSpec::name).toList();
      Optional<String> closest = Suggestions.closest(name, names);
      error(
          entry.value(),
          path,
          "unknown action '"
              + name
              + "'"
              + closest.map(c -> "; did you mean '" + c + "'?").orElse(""));
      return null;
    }
    return spec.get();
  }

  private Map<String, Entry> withEntries(Node node, String path) {
    Map<String, Entry> m = mapping(node, path, null);
    return m == null ? Map.of() : m;
  }

  private Map<String, Object> withValues(Map<String, Entry> entries, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      out.put(e.key(), plain(e.value(), path + "." + e.key()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Every with key is an input of the action, every required input is present and fits. */
  private void checkWith(ActionSpec action, Map<String, Entry> with, Node at, String path) {
    if (action == null) {
      return;
    }
    List<String> fields = action.inputs().stream().map(FieldSpec::name).toList();
    for (Entry e : with.values()) {
      Optional<FieldSpec> field = action.input(e.key());
      String fieldPath = path + "." + e.key();
      if (field.isEmpty()) {
        error(
            e.keyNode(),
            fieldPath,
            "unknown field '"
                + e.key()
                + "' of action '"
                + action.name()
                + "'"
                + Suggestions.hint(e.key(), fields));
        continue;
      }
      checkFieldValue(action, field.get(), e.value(), fieldPath);
    }
    for (FieldSpec f : action.inputs()) {
      if (f.required() && !with.containsKey(f.name())) {
        error(
            at,
            path,
            "missing required field '" + f.name() + "' of action '" + action.name() + "'");
      }
    }
  }

  private void checkFieldValue(ActionSpec action, FieldSpec field, Node node, String path) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && s.getValue().contains("$")) {
      try {
        if (Expressions.isSingleReference(s.getValue())) {
          return;
        }
        if (!Expressions.references(s.getValue()).isEmpty() && !field.type().equals("string")) {
          error(
              node,
              path,
              "field '"
                  + field.name()
                  + "' of action '"
                  + action.name()
                  + "' must be "
                  + ValueTypes.article(field.type())
                  + ", but text around '${...}' always makes a string");
          return;
        }
      } catch (ExpressionException e) {
        return; // Reported with its place by the reference check.
      }
    }
    if (node instanceof ScalarNode s && isBadTag(s)) {
      return; // Reported by plain().
    }
    Object value = quietPlain(node);
    if (value == null) {
      if (field.required()) {
        error(
            node,
            path,
            "field '" + field.name() + "' of action '" + action.name() + "' must not be null");
      }
      return;
    }
    String problem = ValueTypes.problem(field.type(), value);
    if (problem != null) {
      error(
          node,
          path,
          "field '"
              + field.name()
              + "' of action '"
              + action.name()
              + "' "
              + problem
              + (value instanceof Number && field.type().equals("string") ? "; quote it" : ""));
      return;
    }
    NameLimits.literalProblem(field, value)
        .ifPresent(p -> error(node, path, p + " (action '" + action.name() + "')"));
  }

  // ---------------------------------------------------------------- ids and references

  private void checkUniqueIds(List<RawStep> steps, List<RawStep> onChange) {
    Map<String, Node> seen = new LinkedHashMap<>();
    List<RawStep> all = new ArrayList<>();
    for (RawStep s : steps) {
      all.add(s);
      all.addAll(s.branches);
    }
    for (RawStep s : onChange) {
      all.add(s);
      all.addAll(s.branches);
    }
    for (RawStep s : all) {
      if (s.id == null) {
        continue;
      }
      Node first = seen.putIfAbsent(s.id, s.idNode);
      if (first != null) {
        error(
            s.idNode,
            s.path + ".id",
            "duplicate step id '"
                + s.id
                + "' (first defined at line "
                + (first.getStartMark().getLine() + 1)
                + ")");
      }
    }
  }

  /** What a reference may see: earlier steps by id, and which are parallel groups. */
  private static final class Scope {
    final Map<String, RawStep> visible = new LinkedHashMap<>();
    final Set<String> all = new LinkedHashSet<>();
  }

  private void checkReferences(
      List<RawStep> steps,
      List<RawStep> onChange,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    Scope scope = new Scope();
    for (RawStep s : steps) {
      collectIds(s, scope.all);
    }
    for (RawStep s : onChange) {
      collectIds(s, scope.all);
    }
    for (List<RawStep> list : List.of(steps, onChange)) {
      for (RawStep s : list) {
        if (s.parallel) {
          for (RawStep b : s.branches) {
            checkStepReferences(b, s, scope, parameters, variants);
          }
          if (s.id != null) {
            scope.visible.put(s.id, s);
          }
          for (RawStep b : s.branches) {
            if (b.id != null) {
              scope.visible.putIfAbsent(b.id, b);
            }
          }
        } else {
          checkStepReferences(s, null, scope, parameters, variants);
          if (s.id != null) {
            scope.visible.putIfAbsent(s.id, s);
          }
        }
      }
    }
  }

  private static void collectIds(RawStep s, Set<String> ids) {
    if (s.id != null) {
      ids.add(s.id);
    }
    for (RawStep b : s.branches) {
      collectIds(b, ids);
    }
  }

  private void checkStepReferences(
      RawStep step,
      RawStep group,
      Scope scope,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    for (Entry e : step.with.values()) {
      checkNodeReferences(
          e.value(), step.withPath + "." + e.key(), step, group, false, scope, parameters, variants);
    }
    for (Entry e : step.compensateWith.values()) {
      checkNodeReferences(
          e.value(),
          step.compensatePath + "." + e.key(),
          step,
          group,
          true,
          scope,
          parameters,
          variants);
    }
  }

  private void checkNodeReferences(
      Node node,
      String path,
      RawStep step,
      RawStep group,
      boolean compensation,
      Scope scope,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    checkNodeReferences(
        node, path, step, group, compensation, scope, parameters, variants, 0,
        Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private void checkNodeReferences(
      Node node,
      String path,
      RawStep step,
      RawStep group,
      boolean compensation,
      Scope scope,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants,
      int depth,
      Set<Node> ancestors) {
    if (depth > YamlDocument.MAX_NESTING || !ancestors.add(node)) {
      return; // Reported by plain().
    }
    try {
      if (node instanceof ScalarNode s) {
        if (s.getTag().equals(Tag.STR)) {
          checkString(s, path, step, group, compensation, scope, parameters, variants);
        }
      } else if (node instanceof SequenceNode seq) {
        for (int i = 0; i < seq.getValue().size(); i++) {
          checkNodeReferences(
              seq.getValue().get(i), path + "[" + i + "]", step, group, compensation, scope,
              parameters, variants, depth + 1, ancestors);
        }
      } else if (node instanceof MappingNode map) {
        for (NodeTuple t : map.getValue()) {
          String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
          checkNodeReferences(
              t.getValueNode(), path + "." + key, step, group, compensation, scope, parameters,
              variants, depth + 1, ancestors);
        }
      }
    } finally {
      ancestors.remove(node);
    }
  }

  private void checkString(
      ScalarNode node,
      String path,
      RawStep step,
      RawStep group,
      boolean compensation,
      Scope scope,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    List<io.labflow.workflows.expr.Reference> refs;
    try {
      refs = Expressions.references(node.getValue());
    } catch (ExpressionException e) {
      error(node, path, e.getMessage() + "; write '${root.name}', or '$$' for a literal '$'");
      return;
    }
    for (io.labflow.workflows.expr.Reference ref : refs) {
      String problem =
          referenceProblem(ref.path(), step, group, compensation, scope, parameters, variants);
      if (problem != null) {
        error(node, path, "'${" + ref.text() + "}': " + problem);
      }
    }
  }

  private String referenceProblem(
      List<String> parts,
      RawStep step,
      RawStep group,
      boolean compensation,
      Scope scope,
      Map<String, ParameterDef> parameters,
      Map<String, Map<String, Object>> variants) {
    String root = parts.get(0);
    switch (root) {
      case "params" -> {
        if (parts.size() != 2) {
          return "write '${params.NAME}' with exactly one name";
        }
        String name = parts.get(1);
        if (!parameters.containsKey(name)) {
          return "unknown parameter '"
              + name
              + "'"
              + (parameters.isEmpty()
                  ? "; the definition declares no parameters"
                  : Suggestions.hint(name, parameters.keySet()));
        }
        return null;
      }
      case "variant" -> {
        if (parts.size() < 2) {
          return "write '${variant.KEY}'";
        }
        String key = parts.get(1);
        if (variants.isEmpty()) {
          return "variant key '" + key + "' is used, but no variants are declared";
        }
        List<String> missing = new ArrayList<>();
        Set<String> allKeys = new LinkedHashSet<>();
        for (Map.Entry<String, Map<String, Object>> v : variants.entrySet()) {
          allKeys.addAll(v.getValue().keySet());
          if (!v.getValue().containsKey(key)) {
            missing.add(v.getKey());
          }
        }
        if (missing.size() == variants.size()) {
          return "unknown variant key '" + key + "'" + Suggestions.hint(key, allKeys);
        }
        if (!missing.isEmpty()) {
          return "variant key '"
              + key
              + "' is missing from variant"
              + (missing.size() == 1 ? " '" + missing.get(0) + "'" : "s '" + String.join("', '", missing) + "'")
              + "; every variant must define it";
        }
        return null;
      }
      case "lab" -> {
        if (parts.size() != 2 || !DefinitionKeys.LAB_FIELDS.contains(parts.get(1))) {
          String name = parts.size() > 1 ? parts.get(1) : "";
          return "unknown lab field '"
              + name
              + "'"
              + Suggestions.hint(name, DefinitionKeys.LAB_FIELDS);
        }
        return null;
      }
      case "steps" -> {
        return stepReferenceProblem(parts, step, group, compensation, scope);
      }
      default -> {
        return "unknown root '" + root + "'" + Suggestions.hint(root, Expressions.ROOTS);
      }
    }
  }

  private String stepReferenceProblem(
      List<String> parts, RawStep step, RawStep group, boolean compensation, Scope scope) {
    if (parts.size() < 3) {
      return "write '${steps.ID.FIELD}'";
    }
    String id = parts.get(1);
    String field = parts.get(2);
    RawStep target;
    if (id.equals(step.id)) {
      if (!compensation) {
        return "step '" + id + "' cannot reference its own outputs (only its compensate can)";
      }
      target = step;
    } else if (group != null && group.branches.stream().anyMatch(b -> id.equals(b.id))) {
      return "step '"
          + id
          + "' runs in parallel with this step in group '"
          + group.id
          + "', so its outputs are not available";
    } else if (group != null && id.equals(group.id)) {
      return "step '" + id + "' is the parallel group this step belongs to";
    } else if (scope.visible.containsKey(id)) {
      target = scope.visible.get(id);
    } else if (scope.all.contains(id)) {
      return "step '" + id + "' is defined later; a step can only reference earlier steps";
    } else {
      return "unknown step '" + id + "'" + Suggestions.hint(id, scope.visible.keySet());
    }
    if (target.parallel) {
      return "step '" + id + "' is a parallel group and has no outputs; reference one of its branches";
    }
    if (target.action == null) {
      return null; // Its unknown action is reported already.
    }
    if (target.action.output(field).isEmpty()) {
      List<String> outputs = target.action.outputs().stream().map(f -> f.name()).toList();
      return "step '"
          + id
          + "' (action '"
          + target.action.name()
          + "') has no output '"
          + field
          + "'"
          + (outputs.isEmpty()
              ? "; the action has no outputs"
              : Suggestions.hint(field, outputs));
    }
    return null;
  }

  // ---------------------------------------------------------------- node helpers

  /**
   * The entries of a mapping, after checking that keys are strings, unique and (when {@code
   * allowed} is given) known. Returns null, with an error, when the node is not a mapping.
   */
  private Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
    if (!(node instanceof MappingNode map)) {
      if (path.isEmpty()) {
        error(node, path, "a definition must be a mapping of keys such as name and steps, got " + describe(node));
      } else {
        error(node, path, "expected a mapping, got " + describe(node));
      }
      return null;
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode ks) || isBadTag(ks) || ks.getTag().equals(Tag.NULL)) {
        error(k, path, "keys must be plain names, got " + describe(k));
        continue;
      }
      String key = ks.getValue();
      String keyPath = path.isEmpty() ? key : path + "." + key;
      if (key.equals("<<")) {
        error(k, keyPath, "merge keys ('<<') are not supported; write the keys out");
        continue;
      }
      Entry previous = out.get(key);
      if (previous != null) {
        error(
            k,
            keyPath,
            "duplicate key '"
                + key
                + "' (first defined at line "
                + (previous.keyNode().getStartMark().getLine() + 1)
                + ")");
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        error(k, keyPath, "unknown key '" + key + "'" + Suggestions.hint(key, allowed));
        continue;
      }
      out.put(key, new Entry(key, k, t.getValueNode()));
    }
    return out;
  }

  private String requiredString(Map<String, Entry> m, String key, Node at, String path) {
    if (!m.containsKey(key)) {
      error(at, path, "missing required key '" + key + "'");
      return null;
    }
    return string(m.get(key).value(), path.isEmpty() ? key : path + "." + key);
  }

  private String optionalString(Map<String, Entry> m, String key, String path) {
    Entry e = m.get(key);
    return e == null ? null : string(e.value(), path.isEmpty() ? key : path + "." + key);
  }

  private String string(Node node, String path) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      if (s.getValue().isBlank()) {
        error(node, path, "must not be empty");
        return null;
      }
      return s.getValue();
    }
    error(node, path, "expected a string, got " + describe(node));
    return null;
  }

  private Boolean optionalBoolean(Map<String, Entry> m, String key, String path) {
    Entry e = m.get(key);
    if (e == null) {
      return null;
    }
    if (e.value() instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      return Boolean.parseBoolean(s.getValue().toLowerCase());
    }
    error(e.value(), path + "." + key, "expected true or false, got " + describe(e.value()));
    return null;
  }

  private Duration optionalDuration(Map<String, Entry> m, String key, String path) {
    Entry e = m.get(key);
    if (e == null) {
      return null;
    }
    String keyPath = path.isEmpty() ? key : path + "." + key;
    Node node = e.value();
    if (!(node instanceof ScalarNode s) || s.getTag().equals(Tag.NULL) || isBadTag(s)) {
      error(node, keyPath, key + " must be a duration, got " + describe(node) + "; " + Durations.FORMS);
      return null;
    }
    Optional<Duration> d = Durations.parse(s.getValue());
    if (d.isEmpty()) {
      error(node, keyPath, "invalid duration '" + s.getValue() + "'; " + Durations.FORMS);
      return null;
    }
    if (d.get().isZero()) {
      error(node, keyPath, key + " must be longer than zero");
      return null;
    }
    return d.get();
  }

  private OnFailure optionalOnFailure(Map<String, Entry> m, String path) {
    Entry e = m.get("onFailure");
    if (e == null) {
      return null;
    }
    String keyPath = path.isEmpty() ? "onFailure" : path + ".onFailure";
    Node node = e.value();
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      if (DefinitionKeys.ON_FAILURE.contains(s.getValue())) {
        return OnFailure.valueOf(s.getValue().toUpperCase());
      }
      error(
          node,
          keyPath,
          "onFailure must be 'rollback' or 'pause', got '" + s.getValue() + "'");
      return null;
    }
    error(node, keyPath, "onFailure must be 'rollback' or 'pause', got " + describe(node));
    return null;
  }

  private List<String> stringList(Node node, String path) {
    if (!(node instanceof SequenceNode seq)) {
      error(node, path, "expected a list of strings, got " + describe(node));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      String s = string(seq.getValue().get(i), path + "[" + i + "]");
      if (s != null) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  /** The value of a scalar node (reporting bad tags and numbers), or null. */
  private Object scalar(Node node, String path) {
    if (node instanceof ScalarNode) {
      return plain(node, path);
    }
    return null;
  }

  /** The value of a node as plain Java data, reporting what cannot be converted. */
  private Object plain(Node node, String path) {
    return plain(node, path, 0, Collections.newSetFromMap(new IdentityHashMap<>()), true);
  }

  /** Like {@link #plain(Node, String)} but silent, for checks whose problems are reported elsewhere. */
  private Object quietPlain(Node node) {
    return plain(node, "", 0, Collections.newSetFromMap(new IdentityHashMap<>()), false);
  }

  private Object plain(Node node, String path, int depth, Set<Node> ancestors, boolean report) {
    if (++values > MAX_VALUES && report) {
      if (!tooManyValues) {
        tooManyValues = true;
        error(node, path, "the document expands to more than " + MAX_VALUES + " values through aliases");
      }
      return null;
    }
    if (depth > YamlDocument.MAX_NESTING) {
      if (report) {
        error(node, path, "values nest more than " + YamlDocument.MAX_NESTING + " levels deep");
      }
      return null;
    }
    if (node instanceof ScalarNode s) {
      return scalarValue(s, path, report);
    }
    if (!ancestors.add(node)) {
      if (report) {
        error(node, path, "an alias may not refer to a list or mapping that contains it");
      }
      return null;
    }
    try {
      if (node instanceof SequenceNode seq) {
        if (!seq.getTag().equals(Tag.SEQ)) {
          if (report) {
            error(node, path, "unsupported YAML tag '" + seq.getTag().getValue() + "'");
          }
          return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
          out.add(plain(seq.getValue().get(i), path + "[" + i + "]", depth + 1, ancestors, report));
        }
        return Collections.unmodifiableList(out);
      }
      MappingNode map = (MappingNode) node;
      if (!map.getTag().equals(Tag.MAP)) {
        if (report) {
          error(node, path, "unsupported YAML tag '" + map.getTag().getValue() + "'");
        }
        return null;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        Node k = t.getKeyNode();
        if (!(k instanceof ScalarNode ks) || isBadTag(ks) || ks.getTag().equals(Tag.NULL)) {
          if (report) {
            error(k, path, "keys must be plain names, got " + describe(k));
          }
          continue;
        }
        String key = ks.getValue();
        String keyPath = path + "." + key;
        if (out.containsKey(key)) {
          if (report) {
            error(k, keyPath, "duplicate key '" + key + "'");
          }
          continue;
        }
        if (key.equals("<<") && report) {
          error(k, keyPath, "merge keys ('<<') are not supported; write the keys out");
          continue;
        }
        out.put(key, plain(t.getValueNode(), keyPath, depth + 1, ancestors, report));
      }
      return Collections.unmodifiableMap(out);
    } finally {
      ancestors.remove(node);
    }
  }

  private Object scalarValue(ScalarNode s, String path, boolean report) {
    Tag tag = s.getTag();
    String v = s.getValue();
    if (tag.equals(Tag.STR)) {
      return v;
    }
    if (tag.equals(Tag.NULL)) {
      return null;
    }
    if (tag.equals(Tag.BOOL)) {
      if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(v.toLowerCase());
      }
    } else if (tag.equals(Tag.INT)) {
      try {
        BigInteger big = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
        if (big.bitLength() < 32) {
          return big.intValue();
        }
        if (big.bitLength() < 64) {
          return big.longValue();
        }
        if (report) {
          error(s, path, "integer " + v + " is out of range");
        }
        return null;
      } catch (NumberFormatException e) {
        // Falls through to the report below.
      }
    } else if (tag.equals(Tag.FLOAT)) {
      try {
        double d = Double.parseDouble(v);
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // Falls through to the report below.
      }
      if (report) {
        error(s, path, "'" + v + "' is not a finite number");
      }
      return null;
    } else {
      if (report) {
        error(s, path, "unsupported YAML tag '" + tag.getValue() + "'");
      }
      return null;
    }
    if (report) {
      error(s, path, "'" + v + "' is not a valid " + tag.getValue());
    }
    return null;
  }

  private static boolean isBadTag(ScalarNode s) {
    Tag t = s.getTag();
    return !(t.equals(Tag.STR)
        || t.equals(Tag.INT)
        || t.equals(Tag.FLOAT)
        || t.equals(Tag.BOOL)
        || t.equals(Tag.NULL));
  }

  private static boolean isPlainScalar(ScalarNode s) {
    return !isBadTag(s) && !s.getTag().equals(Tag.NULL);
  }

  private static String at(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : describe(node);
  }

  static String describe(Node node) {
    if (node == null) {
      return "nothing";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    Tag t = s.getTag();
    if (t.equals(Tag.STR)) {
      return "a string";
    }
    if (t.equals(Tag.INT)) {
      return "an integer";
    }
    if (t.equals(Tag.FLOAT)) {
      return "a number";
    }
    if (t.equals(Tag.BOOL)) {
      return "a boolean";
    }
    if (t.equals(Tag.NULL)) {
      return "null";
    }
    return "a value tagged '" + t.getValue() + "'";
  }

  private void error(Node node, String path, String message) {
    int line = node == null ? 1 : node.getStartMark().getLine() + 1;
    int column = node == null ? 1 : node.getStartMark().getColumn() + 1;
    errors.add(new Diagnostic(file, line, column, path, message));
  }
}
