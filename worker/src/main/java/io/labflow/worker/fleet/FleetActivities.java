package io.labflow.worker.fleet;

import io.labflow.worker.quotas.QuotaPlanner.NightPlan;
import io.labflow.workflows.fleet.FleetLab;
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

  record FailedStep(String step, String error) {}

  /**
   * Which of these labs (in fleet order) the AWS account's quotas leave out tonight, and why,
   * reading the quotas and their usage; none when the quotas cannot be read (each lab's preflight
   * still checks its own).
   *
   * @param labs each with its variant and parameters, which name its stack templates
   * @param allOrNone leave every lab out when one does not fit
   */
  NightPlan quotaPlan(String fleet, String definition, java.util.List<FleetLab> labs,
      boolean allOrNone);
}
