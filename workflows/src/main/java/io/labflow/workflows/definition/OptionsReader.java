package io.labflow.workflows.definition;

import static java.util.Objects.requireNonNullElse;

import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.YamlNodes.Entry;
import io.labflow.workflows.yaml.YamlNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads what a step runs with besides its action: the definition's {@code defaults}, retry
 * policies, durations, heartbeats and {@code onFailure}.
 */
record OptionsReader(YamlNodes nodes) {

  /**
   * Heartbeat timeout of a step or undo of a {@linkplain
   * io.labflow.workflows.catalog.ActionSpec#longRunning long-running} action when neither it nor
   * the definition's defaults give one: a worker lost inside it is noticed this long after its
   * last heartbeat, and the attempt is retried on another worker.
   */
  static final Duration LONG_RUNNING_HEARTBEAT = Duration.ofMinutes(1);

  /** What every step inherits when the file's {@code defaults} say nothing. */
  static final StepDefaults BUILT_IN_DEFAULTS = new StepDefaults(
      new RetrySpec(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 5, List.of()),
      Duration.ofMinutes(5), null, null, OnFailure.ROLLBACK, Duration.ofHours(24));

  StepDefaults readDefaults(Entry entry) {
    Map<String, Entry> m =
        entry == null ? null : nodes.mapping(entry.value(), "defaults", DefinitionKeys.DEFAULTS);
    if (m == null) {
      return BUILT_IN_DEFAULTS;
    }
    StepDefaults own = read(m, "defaults", BUILT_IN_DEFAULTS, null);
    StepDefaults built = BUILT_IN_DEFAULTS;
    return new StepDefaults(RetrySpec.orNone(own.retry()).over(built.retry()),
        requireNonNullElse(own.timeout(), built.timeout()), own.scheduleToClose(), own.heartbeat(),
        requireNonNullElse(own.onFailure(), built.onFailure()),
        requireNonNullElse(own.pauseTimeout(), built.pauseTimeout()));
  }

  /** The options a step, an undo or the defaults give themselves (null where they give none). */
  StepDefaults read(Map<String, Entry> m, String path, StepDefaults base, ActionSpec action) {
    Duration heartbeat = optionalDuration(m, "heartbeat", path);
    if (heartbeat == null && base.heartbeat() == null && action != null && action.longRunning()) {
      heartbeat = LONG_RUNNING_HEARTBEAT;
    }
    return new StepDefaults(optionalRetry(m, path, base), optionalDuration(m, "timeout", path),
        optionalDuration(m, "scheduleToClose", path), heartbeat,
        nodes.optional(m, "onFailure", path, this::onFailure),
        optionalDuration(m, "pauseTimeout", path));
  }

  private Double backoff(Node at, String path) {
    Object v = at instanceof ScalarNode s ? nodes.plain(s, path) : null;
    if (v instanceof Number n) {
      if (n.doubleValue() < 1.0) {
        nodes.error(at, path,
            "backoffCoefficient must be at least 1.0, got " + ((ScalarNode) at).getValue());
      }
      return n.doubleValue();
    }
    if (!(at instanceof ScalarNode s
        && (YamlNodes.isBadTag(s) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.INT)))) {
      nodes.error(at, path, "backoffCoefficient must be a number, got " + YamlNodes.describe(at));
    }
    return null;
  }

  private Integer attempts(Node at, String path) {
    Object v = at instanceof ScalarNode s ? nodes.plain(s, path) : null;
    if (!(v instanceof Integer i)) {
      nodes.error(at, path, "maximumAttempts must be an integer, got " + YamlNodes.describe(at));
      return null;
    }
    if (i < 0) {
      nodes.error(at, path, "maximumAttempts must be 0 (unlimited) or more, got " + i);
    }
    return i;
  }

  /**
   * The {@code retry} of a step or compensation, if it has one; its intervals are checked merged
   * with the definition's default retry, since that is the policy the step will run with.
   */
  private RetrySpec optionalRetry(Map<String, Entry> step, String stepPath, StepDefaults defaults) {
    String path = stepPath + ".retry";
    Entry e = step.get("retry");
    Map<String, Entry> m = e == null ? null : nodes.mapping(e.value(), path, DefinitionKeys.RETRY);
    if (m == null) {
      return null;
    }
    RetrySpec retry = new RetrySpec(optionalDuration(m, "initialInterval", path),
        nodes.optional(m, "backoffCoefficient", path, this::backoff),
        optionalDuration(m, "maximumInterval", path),
        nodes.optional(m, "maximumAttempts", path, this::attempts),
        nodes.optional(m, "nonRetryable", path, nodes::stringList));
    RetrySpec effective = retry.over(defaults.retry());
    // Temporal refuses a maximum interval below the initial one, so catch it before a run starts.
    if ((retry.initialInterval() != null || retry.maximumInterval() != null)
        && effective.initialInterval() != null && effective.maximumInterval() != null
        && effective.maximumInterval().compareTo(effective.initialInterval()) < 0) {
      nodes.error(e.value(), path, "maximumInterval "
          + Durations.format(effective.maximumInterval()) + " is shorter than initialInterval "
          + Durations.format(effective.initialInterval()));
    }
    return retry;
  }

  Duration optionalDuration(Map<String, Entry> m, String key, String path) {
    return nodes.optional(m, key, path, (node, keyPath) -> duration(node, keyPath, key));
  }

  private Duration duration(Node node, String keyPath, String key) {
    if (!(node instanceof ScalarNode s && YamlNodes.isPlainScalar(s))) {
      nodes.error(node, keyPath,
          key + " must be a duration, got " + YamlNodes.describe(node) + "; " + Durations.FORMS);
      return null;
    }
    Optional<Duration> d = Durations.parse(s.getValue());
    if (d.isEmpty()) {
      nodes.error(node, keyPath, "invalid duration '" + s.getValue() + "'; " + Durations.FORMS);
      return null;
    }
    if (d.get().isZero()) {
      nodes.error(node, keyPath, key + " must be longer than zero");
      return null;
    }
    return d.get();
  }

  private OnFailure onFailure(Node node, String keyPath) {
    String written =
        node instanceof ScalarNode s && s.getTag().equals(Tag.STR) ? s.getValue() : null;
    Optional<OnFailure> value = OnFailure.of(written);
    if (value.isEmpty()) {
      nodes.error(node, keyPath, OnFailure.refusal(
          written != null ? "'" + written + "'" : YamlNodes.describe(node), written));
    }
    return value.orElse(null);
  }
}
