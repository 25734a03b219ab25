package io.labflow.workflows.lab;

/**
 * The names of the meters workflow code reports through the SDK's metrics scope, which carries no
 * help text: the worker's meter filter gives each its help by these names.
 */
public final class LabMeters {

  /** A lab's state changes, {@code labflow_lab_transitions_total{definition,from,to}}. */
  public static final String TRANSITIONS = "labflow_lab_transitions";
  /** The time a lab spent in a state, {@code labflow_lab_state_seconds{definition,state}}. */
  public static final String TIME_IN_STATE = "labflow_lab_state";
  /** Warnings that a keep-alive runs out (one a deadline), {@code labflow_lab_expiry_warnings_total}. */
  public static final String EXPIRY_WARNINGS = "labflow_lab_expiry_warnings";
  /** The length of a fleet's night, {@code labflow_fleet_night_seconds{fleet}}. */
  public static final String FLEET_NIGHT = "labflow_fleet_night";
  /** The labs of a fleet's last night by outcome, {@code labflow_fleet_night_labs{fleet,outcome}}. */
  public static final String FLEET_NIGHT_LABS = "labflow_fleet_night_labs";
  /** The labs of a fleet in quarantine, {@code labflow_fleet_quarantined_labs{fleet}}. */
  public static final String FLEET_QUARANTINED = "labflow_fleet_quarantined_labs";
  /**
   * When the fleet's last night on this worker ended, {@code labflow_fleet_night_end_seconds{fleet}}
   * (epoch seconds): the alert rules read the other fleet gauges of the worker with the latest.
   */
  public static final String FLEET_NIGHT_END = "labflow_fleet_night_end_seconds";

  private LabMeters() {}
}
