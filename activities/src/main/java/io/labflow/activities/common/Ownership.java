package io.labflow.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Who owns a resource, decided from where the activity runs, never from its input alone.
 *
 * <p>Every resource a lab creates carries three tags: {@code labflow:lab=<lab id>}, {@code
 * labflow:namespace=<Temporal namespace>} and {@code labflow:run=<run id>}, all taken from the
 * activity's execution context. The rules, here and nowhere else:
 *
 * <ul>
 *   <li>A lab acts only for itself: called from a {@code LabWorkflow}, an activity's {@code labId}
 *       must be the workflow id (the lab's identity), so an inline definition that writes another
 *       lab's id into a step is refused before any AWS call.
 *   <li>A create adopts an existing resource only if its own run created it: same lab, namespace
 *       and run. Retries of the activity (a lost response, a worker crash) run in the same run and
 *       adopt; another lab, a later run, or a copy of the tags made by hand does not.
 *   <li>A resource belongs to the lab (may be used, torn down or swept) when its lab tag is the
 *       lab's and its namespace tag, if any, is the caller's namespace. So the nightly reset (a
 *       {@code LabResetWorkflow} in the same namespace) sweeps the lab's leftovers of any run, and
 *       two namespaces using one AWS account never touch each other's resources. A resource tagged
 *       only {@code labflow:lab} (by a person, or by a template where a stack's tags do not
 *       propagate) belongs to that lab id in every namespace.
 * </ul>
 *
 * <p>Two task queues in one namespace share lab ids, because a lab id is a workflow id and
 * Temporal keeps one open run per workflow id in a namespace; the run tag keeps their creates
 * apart. Outside an activity (unit tests, tools) the lab tag alone decides.
 */
public final class Ownership {

  /** The lab's id. */
  public static final String LAB_TAG = Tags.LAB_TAG;

  /** The Temporal namespace of the run that created the resource. */
  public static final String NAMESPACE_TAG = "labflow:namespace";

  /** The run id of the lab run that created the resource. */
  public static final String RUN_TAG = "labflow:run";

  /** The workflow type whose workflow id is the lab id. */
  static final String LAB_WORKFLOW = "LabWorkflow";

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

  private Ownership() {}

  /**
   * The owner for this activity call.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code NotOwned}, non-retryable, when a lab run
   *     names another lab
   */
  public static Owner of(String labId) {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException outsideAnActivity) {
      return new Owner(null, labId, null);
    }
    boolean labRun = LAB_WORKFLOW.equals(info.getWorkflowType());
    if (labRun && !labId.equals(info.getWorkflowId())) {
      throw AwsFailures.nonRetryable(
          info.getActivityType()
              + ": labId '"
              + labId
              + "' is not this lab ('"
              + info.getWorkflowId()
              + "'): a lab's steps act only for the lab itself",
          AwsFailures.NOT_OWNED);
    }
    return new Owner(info.getNamespace(), labId, labRun ? info.getRunId() : null);
  }

  /** Whether a resource with these tags belongs to the lab (may be used, deleted or swept). */
  public static <T> boolean belongs(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, Owner owner) {
    Map<String, String> m = asMap(tags, key, value);
    if (!owner.labId().equals(m.get(LAB_TAG))) {
      return false;
    }
    String ns = m.get(NAMESPACE_TAG);
    return ns == null || owner.namespace() == null || ns.equals(owner.namespace());
  }

  /** Whether a resource with these tags was created by the owner's own run (may be adopted). */
  public static <T> boolean createdBy(
      Collection<T> tags, Function<T, String> key, Function<T, String> value, Owner owner) {
    Map<String, String> m = asMap(tags, key, value);
    if (!owner.labId().equals(m.get(LAB_TAG))) {
      return false;
    }
    if (owner.namespace() != null && !owner.namespace().equals(m.get(NAMESPACE_TAG))) {
      return false;
    }
    return owner.runId() == null || owner.runId().equals(m.get(RUN_TAG));
  }

  private static <T> Map<String, String> asMap(
      Collection<T> tags, Function<T, String> key, Function<T, String> value) {
    Map<String, String> m = new LinkedHashMap<>();
    if (tags != null) {
      for (T t : tags) {
        m.put(key.apply(t), value.apply(t));
      }
    }
    return m;
  }
}
