package io.labflow.workflows.lab;

import java.util.List;

/**
 * A check run inside the resolve activity, after the request is bound and before the lab's first
 * step: what would certainly make the lab fail later (who the worker is, which account, region,
 * whether the endpoint answers, whether the chosen verification method is available there). A
 * failure ends the run before any resource exists; the check's outcome is recorded in history with
 * the resolved lab, so replay never runs it again.
 *
 * <p>The engine knows nothing of AWS: the worker supplies the checks.
 */
@FunctionalInterface
public interface Preflight {

  /** No checks (the engine's tests, offline tools). */
  Preflight NONE = (labId, lab) -> {};

  /**
   * Checks one lab about to start.
   *
   * @param labId the lab's id
   * @param lab the resolved definition, variant and bound parameters
   * @throws io.temporal.failure.ApplicationFailure non-retryable, with a one-line message that names
   *     the fix (for example the parameter to set or the setting to change)
   */
  void check(String labId, ResolvedLab lab);

  /** Runs the checks in order; the first that fails ends the preflight. */
  static Preflight all(List<Preflight> checks) {
    return (labId, lab) -> checks.forEach(p -> p.check(labId, lab));
  }
}
