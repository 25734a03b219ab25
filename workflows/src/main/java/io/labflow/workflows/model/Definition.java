package io.labflow.workflows.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated lab definition: the whole content of one step file.
 *
 * <p>Building a definition resolves its steps against {@code defaults} (see {@link
 * Step#resolvedBy}), so a definition read back from an older payload, whose steps still inherit,
 * runs exactly as one fresh from the loader.
 *
 * <p>Instances are produced only by the definition loader, which has already checked every field,
 * so code that receives a {@code Definition} may rely on ids being unique, references pointing to
 * earlier steps, and actions existing in the step library.
 *
 * @param name the definition's name, used to find it in the definitions directory
 * @param description what the lab does, for people
 * @param version optional free-form version string
 * @param parameters declared run parameters by name, in file order
 * @param variants named value sets; a run chooses one and reads it as {@code ${variant.KEY}}
 * @param defaultVariant the variant used when a run names none; may be null
 * @param defaults retry policy, timeouts and failure handling that every step inherits
 * @param steps the steps, in order
 * @param onVariantChange steps run when an operator switches the variant of a live lab; may be empty
 * @param keepAlive how long a provisioned lab stays live (waiting for switch or teardown) before it
 *     tears itself down; null means the run ends as soon as its steps are done
 * @param tasks the learner's tasks, in order; empty for a lab without learner
 * @param maxLifetime the longest the {@code extend} Update may keep a lab live, counted like {@code
 *     keepAlive} from when it became live; null means no extension beyond {@code keepAlive}
 * @param expiryWarning how long before the keep-alive runs out the lab warns; null means {@link
 *     #DEFAULT_EXPIRY_WARNING}
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

  /** How long before expiry the lab warns. */
  public Duration warningBeforeExpiry() {
    return expiryWarning != null ? expiryWarning : DEFAULT_EXPIRY_WARNING;
  }
}
