package io.labflow.workflows.interpreter;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.model.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds definitions in Java, as the YAML loader would, for the interpreter tests. */
final class Defs {

  /** Fast retries, three attempts, rollback on failure, one hour of pause. */
  static final StepDefaults DEFAULTS =
      new StepDefaults(
          new RetrySpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 3, null),
          Duration.ofSeconds(10),
          null,
          null,
          OnFailure.ROLLBACK,
          Duration.ofHours(1));

  private Defs() {}

  /** A map from alternating keys and values. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** A step {@code Create <id>} undone by {@code Delete <id>} (a deterministic name). */
  static StepBuilder create(String id) {
    return new StepBuilder(id, "Create")
        .with(map("labId", "${lab.labId}", "name", id))
        .compensate("Delete", map("labId", "${lab.labId}", "name", id));
  }

  /** A step {@code Use <id>} with no compensation. */
  static StepBuilder use(String id) {
    return new StepBuilder(id, "Use").with(map("labId", "${lab.labId}", "name", id));
  }

  /** A check {@code CheckExists} of the resource {@code name}. */
  static Check exists(String id, String name) {
    return new Check(id, "CheckExists", map("labId", "${lab.labId}", "name", name),
        "Make " + name + " in ${lab.labId}.", "Hint for " + name + ".", 0);
  }

  /** An adopt step {@code AdoptThing <name>} undone by {@code Delete <name>}. */
  static StepBuilder adopt(String id, String name) {
    return new StepBuilder(id, "AdoptThing")
        .with(map("labId", "${lab.labId}", "name", name))
        .compensate("Delete", map("labId", "${lab.labId}", "name", name));
  }

  /** A parallel group. */
  static StepBuilder parallel(String id, StepBuilder... branches) {
    StepBuilder b = new StepBuilder(id, null);
    b.parallel = Arrays.stream(branches).map(StepBuilder::action).toList();
    return b;
  }

  /** Steps {@code s1..sN}, each a Create undone by a Delete. */
  static List<Step> creates(int n) {
    List<Step> steps = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      steps.add(create("s" + i).build());
    }
    return steps;
  }

  static DefinitionBuilder definition(String name) {
    return new DefinitionBuilder(name);
  }

  static final class StepBuilder {
    private final String id;
    private final String action;
    private Map<String, Object> with = Map.of();
    private RetrySpec retry;
    private Duration timeout;
    private Duration heartbeat;
    private Compensation compensate;
    private OnFailure onFailure;
    private List<ActionStep> parallel = List.of();

    StepBuilder(String id, String action) {
      this.id = id;
      this.action = action;
    }

    StepBuilder with(Map<String, Object> with) {
      this.with = with;
      return this;
    }

    /** Adds or replaces one input field. */
    StepBuilder input(String key, Object value) {
      Map<String, Object> m = new LinkedHashMap<>(with);
      m.put(key, value);
      this.with = m;
      return this;
    }

    StepBuilder compensate(String action, Map<String, Object> with) {
      this.compensate = new Compensation(action, with, null, null, null, null);
      return this;
    }

    StepBuilder compensate(Compensation compensation) {
      this.compensate = compensation;
      return this;
    }

    StepBuilder noCompensation() {
      this.compensate = null;
      return this;
    }

    StepBuilder maxAttempts(int attempts) {
      this.retry = new RetrySpec(null, null, null, attempts, retry == null ? null : retry.nonRetryable());
      return this;
    }

    StepBuilder retry(RetrySpec retry) {
      this.retry = retry;
      return this;
    }

    StepBuilder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    StepBuilder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    StepBuilder onFailure(OnFailure onFailure) {
      this.onFailure = onFailure;
      return this;
    }

    Step build() {
      return parallel.isEmpty() ? action() : new ParallelGroup(id, parallel, onFailure, 0);
    }

    ActionStep action() {
      return new ActionStep(
          id, action, with, retry, timeout, null, heartbeat, compensate, onFailure, 0);
    }
  }

  static final class DefinitionBuilder {
    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private final List<Step> onVariantChange = new ArrayList<>();
    private Map<String, Map<String, Object>> variants = Map.of();
    private String defaultVariant;
    private Map<String, ParameterDef> parameters = Map.of();
    private StepDefaults defaults = DEFAULTS;
    private Duration keepAlive;
    private final List<Task> tasks = new ArrayList<>();
    private Duration maxLifetime;
    private Duration expiryWarning;

    DefinitionBuilder(String name) {
      this.name = name;
    }

    DefinitionBuilder steps(StepBuilder... builders) {
      for (StepBuilder b : builders) {
        steps.add(b.build());
      }
      return this;
    }

    DefinitionBuilder steps(List<Step> list) {
      steps.addAll(list);
      return this;
    }

    DefinitionBuilder onVariantChange(StepBuilder... builders) {
      for (StepBuilder b : builders) {
        onVariantChange.add(b.build());
      }
      return this;
    }

    DefinitionBuilder variant(String variant, Map<String, Object> values) {
      Map<String, Map<String, Object>> m = new LinkedHashMap<>(variants);
      m.put(variant, values);
      variants = m;
      if (defaultVariant == null) {
        defaultVariant = variant;
      }
      return this;
    }

    DefinitionBuilder parameter(String name, Object defaultValue) {
      Map<String, ParameterDef> m = new LinkedHashMap<>(parameters);
      m.put(name, new ParameterDef("string", false, defaultValue, null, null, null, null, null));
      parameters = m;
      return this;
    }

    DefinitionBuilder pauseTimeout(Duration timeout) {
      defaults =
          new StepDefaults(
              defaults.retry(),
              defaults.timeout(),
              defaults.scheduleToClose(),
              defaults.heartbeat(),
              defaults.onFailure(),
              timeout);
      return this;
    }

    DefinitionBuilder keepAlive(Duration keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    /** A learner task: its checks, then its solve and adopt steps. */
    DefinitionBuilder task(
        String id, int points, List<Check> checks, List<StepBuilder> solve, List<StepBuilder> adopt) {
      tasks.add(new Task(id, "Title of " + id, "Do **" + id + "**.", points, checks,
          solve.stream().map(StepBuilder::build).toList(),
          adopt.stream().map(StepBuilder::build).toList(), 0));
      return this;
    }

    DefinitionBuilder lifetime(Duration maxLifetime, Duration expiryWarning) {
      this.maxLifetime = maxLifetime;
      this.expiryWarning = expiryWarning;
      return this;
    }

    Definition build() {
      return new Definition(
          name,
          "test definition " + name,
          "1",
          parameters,
          variants,
          defaultVariant,
          defaults,
          List.copyOf(steps),
          List.copyOf(onVariantChange),
          keepAlive,
          List.copyOf(tasks),
          maxLifetime,
          expiryWarning);
    }
  }
}
