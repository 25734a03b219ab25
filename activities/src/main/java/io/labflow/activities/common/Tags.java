package io.labflow.activities.common;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab tags every labflow resource carries, and who owns a resource: decided from where the
 * activity runs, never from its input alone. The rules live here and nowhere else (docs/aws.md,
 * "Ownership"): a lab run acts only for itself ({@link #owner}); a create adopts only what its own
 * run created ({@link #createdBy}); a resource belongs to the lab when its lab tag is the lab's and
 * its namespace tag the caller's namespace ({@link #belongs}), a missing namespace tag meaning "not
 * ours" unless {@value #CLAIM_ENV} names the caller's namespace. Outside an activity (unit tests,
 * tools) the lab tag alone decides.
 */
public final class Tags {

  /** What every key of labflow's tags starts with: only labflow writes them. */
  public static final String KEY_PREFIX = "labflow:";

  /** Key of the tag naming the lab that owns a resource. */
  public static final String LAB_TAG = KEY_PREFIX + "lab";

  /** The Temporal namespace of the run that created the resource. */
  public static final String NAMESPACE_TAG = KEY_PREFIX + "namespace";

  /** The run id of the lab run that created the resource. */
  public static final String RUN_TAG = KEY_PREFIX + "run";

  /**
   * The one namespace that may take resources tagged {@code labflow:lab} without {@code
   * labflow:namespace} (made before that tag existed) as its labs'. Unset: they are nobody's.
   */
  public static final String CLAIM_ENV = "LABFLOW_CLAIM_UNNAMESPACED";

  private static final Logger log = LoggerFactory.getLogger(Tags.class);

  private static final String CLAIMING =
      claiming(AccountPolicy.setting("labflow.claimUnnamespaced", CLAIM_ENV));

  /**
   * The lab an activity acts for.
   *
   * @param namespace the caller's namespace; null outside Temporal
   * @param labId the lab id
   * @param runId the caller's run id when the caller is the lab's own run; null otherwise
   */
  public record Owner(String namespace, String labId, String runId) {

    /** The tags every resource this owner creates carries, in a stable order. */
    public Map<String, String> tags() {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(LAB_TAG, labId);
      if (namespace != null) {
        tags.put(NAMESPACE_TAG, namespace);
      }
      if (runId != null) {
        tags.put(RUN_TAG, runId);
      }
      return tags;
    }
  }

  private Tags() {}

  /**
   * The owner for this activity call.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code NotOwned}, non-retryable, when a lab run
   *     names another lab
   */
  public static Owner owner(String labId) {
    ActivityInfo info = Waiting.current().map(ActivityExecutionContext::getInfo).orElse(null);
    if (info == null) {
      return new Owner(null, labId, null);
    }
    boolean labRun = "LabWorkflow".equals(info.getWorkflowType());
    if (labRun && !labId.equals(info.getWorkflowId())) {
      throw AwsFailures.nonRetryable(info.getActivityType() + ": labId '" + labId
          + "' is not this lab ('" + info.getWorkflowId()
          + "'): a lab's steps act only for the lab itself", FailureTypes.NOT_OWNED);
    }
    return new Owner(info.getNamespace(), labId, labRun ? info.getRunId() : null);
  }

  /** Whether a resource with these tags belongs to the lab, for this activity call. */
  public static <T> boolean owned(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, String labId) {
    return belongs(asMap(tags, key, value), owner(labId), CLAIMING);
  }

  /**
   * The rule itself: the lab tag is the lab's and the namespace tag the caller's namespace, or,
   * without a namespace tag, the caller's namespace is the one {@code claiming} un-namespaced
   * resources (null: none). Outside an activity (no namespace) the lab tag alone decides.
   */
  static boolean belongs(Map<String, String> tags, Owner owner, String claiming) {
    if (!owner.labId().equals(tags.get(LAB_TAG))) {
      return false;
    }
    String ns = tags.get(NAMESPACE_TAG);
    if (owner.namespace() == null) {
      return true;
    }
    if (ns != null) {
      return ns.equals(owner.namespace());
    }
    boolean claimed = owner.namespace().equals(claiming);
    if (claimed) {
      log.info("lab {}: a resource tagged {} without {} is taken as namespace {}'s ({})",
          owner.labId(), LAB_TAG, NAMESPACE_TAG, claiming, CLAIM_ENV);
    }
    return claimed;
  }

  /** The value of {@link #CLAIM_ENV}: the namespace named, or null when unset or blank. */
  static String claiming(String env) {
    if (env == null || env.isBlank()) {
      return null;
    }
    log.warn("{}={}: resources tagged {} without {} are taken as the labs of namespace {};"
        + " unset it once the labs made before the namespace tag are torn down or reset",
        CLAIM_ENV, env.strip(), LAB_TAG, NAMESPACE_TAG, env.strip());
    return env.strip();
  }

  /** Whether a resource with these tags was created by the owner's own run (may be adopted). */
  static boolean createdBy(Map<String, String> tags, Owner owner) {
    return owner.labId().equals(tags.get(LAB_TAG))
        && (owner.namespace() == null || owner.namespace().equals(tags.get(NAMESPACE_TAG)))
        && (owner.runId() == null || owner.runId().equals(tags.get(RUN_TAG)));
  }

  /** Fails {@code NotOwned} unless this lab run created the resource. */
  public static <T> void requireCreatedHere(Collection<T> tags, Function<T, String> key,
      Function<T, String> value, String what, String labId) {
    Map<String, String> m = asMap(tags, key, value);
    if (!createdBy(m, owner(labId))) {
      List<String> carried = m.entrySet().stream()
          .filter(t -> t.getKey() != null && t.getKey().startsWith(KEY_PREFIX))
          .map(t -> t.getKey() + "=" + t.getValue())
          .toList();
      throw AwsFailures.nonRetryable(what + " exists but was not created by this run of lab "
          + labId + (carried.isEmpty() ? " (it carries no labflow tags)"
              : " (its labflow tags are " + String.join(", ", carried) + ")")
          + "; labflow does not adopt it", FailureTypes.NOT_OWNED);
    }
  }

  /** The tags a resource created now for this lab carries, built by {@code tag(key, value)}. */
  public static <T> List<T> forCreate(String labId, BiFunction<String, String, T> tag) {
    return owner(labId).tags().entrySet().stream()
        .map(t -> tag.apply(t.getKey(), t.getValue())).toList();
  }

  /** A resource's tags as a map of key to value. */
  public static <T> Map<String, String> asMap(
      Collection<T> tags, Function<T, String> key, Function<T, String> value) {
    Map<String, String> m = new LinkedHashMap<>();
    (tags == null ? List.<T>of() : tags).forEach(t -> m.put(key.apply(t), value.apply(t)));
    return m;
  }
}
