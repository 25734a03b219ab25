package io.labflow.workflows.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A validated lab definition: the whole content of one step file.
 *
 * <p>Building a definition resolves its steps against {@code defaults} (see {@link
 * Step#resolvedBy}), so a definition read back from an older payload, whose steps still inherit,
 * runs exactly as one fresh from the loader.
 *
 * <p>Instances are produced only by the definition loader, which has already checked every field,
 * so code that receives a {@code Definition} may rely on ids being unique, references pointing to
 * earlier steps, and actions existing in the step library. The fields are the step file's keys
 * (docs/language.md); a null {@code keepAlive} means the run ends as soon as its steps are done.
 */
public record Definition(
    String name,
    String description,
    String version,
    Map<String, ParameterDef> parameters,
    Map<String, Map<String, Object>> variants,
    String defaultVariant,
    StepDefaults defaults,
    List<Step> steps,
    List<Step> onVariantChange,
    Duration keepAlive,
    List<Task> tasks,
    Duration maxLifetime,
    Duration expiryWarning) {

  /** The warning before expiry when a definition sets none. */
  public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofMinutes(15);

  public Definition {
    defaults = StepDefaults.orNone(defaults);
    steps = Step.resolveAll(steps, defaults);
    onVariantChange = Step.resolveAll(onVariantChange, defaults);
    StepDefaults d = defaults;
    tasks = tasks == null ? List.of() : tasks.stream().map(t -> t.resolvedBy(d)).toList();
  }

  /** The longest the lab may stay live: {@code maxLifetime}, else {@code keepAlive}. */
  public Duration lifetimeLimit() {
    return maxLifetime != null ? maxLifetime : keepAlive;
  }

  /**
   * The action steps of {@code steps} then {@code onVariantChange}, a group's branches in its
   * place: what the plan, the preflight and the name limits read. The learner tasks' steps are not
   * in it: {@link #runnableSteps} adds them.
   */
  public List<ActionStep> actionSteps() {
    return Step.actions(Stream.concat(steps.stream(), onVariantChange.stream()).toList());
  }

  /**
   * {@link #actionSteps}, then each learner task's {@code solve} and {@code adopt} steps: every
   * step the worker may run for this definition besides the tasks' checks.
   */
  public List<ActionStep> runnableSteps() {
    return Stream.concat(actionSteps().stream(), tasks.stream().flatMap(t -> Step.actions(
        Stream.concat(t.solve().stream(), t.adopt().stream()).toList()).stream())).toList();
  }

  public Duration warningBeforeExpiry() {
    return expiryWarning != null ? expiryWarning : DEFAULT_EXPIRY_WARNING;
  }
}
