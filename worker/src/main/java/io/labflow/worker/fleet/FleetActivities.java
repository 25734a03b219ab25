package io.labflow.worker.fleet;

import io.temporal.activity.ActivityInterface;

/** What a fleet night asks Temporal about its labs; short calls, run as local activities. */
@ActivityInterface(namePrefix = "labflow.Fleet.")
public interface FleetActivities {

  /** The workflow id of a running reset of this lab started outside the fleet, or null. */
  String runningReset(String labId);

  /**
   * The step that failed in the lab's latest run and its error, read from the run's status
   * query; nulls when the run cannot say.
   */
  FailedStep failedStep(String labId);

  /** A failed step and its error. */
  record FailedStep(String step, String error) {}

  /**
   * Which of these labs (in fleet order) the AWS account's quotas leave out tonight, reading the
   * quotas and their usage; none when the quotas cannot be read (each lab's preflight still checks
   * its own).
   *
   * @param allOrNone leave every lab out when one does not fit
   */
  QuotaPlan quotaPlan(String fleet, String definition, java.util.List<String> labIds, boolean allOrNone);

  /**
   * The labs left out and why.
   *
   * @param leftOut the labs that do not fit, in fleet order
   * @param quotas the short quotas' codes and names, for each left-out lab's row
   * @param reason one sentence per short quota: its code, used, need, quota and the fix
   */
  record QuotaPlan(java.util.List<String> leftOut, String quotas, String reason) {
    public QuotaPlan {
      leftOut = leftOut == null ? java.util.List.of() : java.util.List.copyOf(leftOut);
    }
  }
}
