package io.labflow.workflows.lab;

/**
 * labflow's failure types: the {@code type} of every {@code ApplicationFailure} the engine, the
 * step library, the reset and the fleet fail with, one name each, here at the bottom of the
 * dependency graph so that the command line, the worker and the activities all use these. A step
 * file names them in {@code nonRetryable}. An AWS error's type is its own code, so {@link
 * #ACCESS_DENIED}, {@link #INVALID_INPUT} and {@link #DELETE_CONFLICT} are also AWS's codes of
 * those names. The values are in recorded histories and payloads: never change one.
 */
public final class FailureTypes {

  // The step library.

  /** HTTP 403 without an error code the SDK could read. Never retried. */
  public static final String ACCESS_DENIED = "AccessDenied";
  /** The resource exists but does not carry this lab's tag. Never retried; nothing was changed. */
  public static final String NOT_OWNED = "NotOwned";
  /** The resource an action must find does not exist. Never retried. */
  public static final String NOT_FOUND = "NotFound";
  /** The input of an activity is invalid. Never retried. */
  public static final String INVALID_INPUT = "InvalidInput";
  /** A stack ended in a failed or rolled-back state. Never retried. */
  public static final String STACK_FAILED = "StackFailed";
  /** A stack is in an operation labflow must wait out. */
  public static final String STACK_BUSY = "StackBusy";
  /** A stack did not reach the state waited for within the activity's wait. Retried. */
  public static final String STACK_WAIT_TIMEOUT = "StackWaitTimeout";
  /** Verified access differs from the expectation after the propagation budget. */
  public static final String ACCESS_MISMATCH = "AccessMismatch";
  /** A resource still depends on something labflow may not touch. */
  public static final String DELETE_CONFLICT = "DeleteConflict";
  /** A network or client-side failure without an AWS error code. Retried. */
  public static final String AWS_CLIENT_ERROR = "AwsClientError";
  /** An AWS error whose code the error table does not know. Retried, since most are transient. */
  public static final String AWS_UNKNOWN = "AwsUnknownError";
  /**
   * The endpoint does not know or implement the operation (an unknown-operation code, HTTP 501,
   * or a bare HTTP 500/404/405 that no AWS service sent). Never retried.
   */
  public static final String UNSUPPORTED = "Unsupported";
  /** The worker's AWS account is not allowed. Never retried: only a configuration change fixes it. */
  public static final String ACCOUNT_NOT_ALLOWED = "AccountNotAllowed";
  /** A lab that cannot start in this account (credentials, region, quotas, verification). */
  public static final String PREFLIGHT_FAILED = "PreflightFailed";

  // A lab's run and its requests.

  /** A step file that does not validate. */
  public static final String INVALID_DEFINITION = "InvalidDefinition";
  /** A request whose lab id, definition, variant or parameters are wrong, or unreadable input. */
  public static final String INVALID_REQUEST = "InvalidRequest";
  /** The lab's request could not be resolved for a reason that carried no type of its own. */
  public static final String RESOLVE_FAILED = "ResolveFailed";
  /** A lab that failed (rolled back or not). */
  public static final String LAB_FAILED = "LabFailed";
  /** A paused lab that was torn down instead of decided. */
  public static final String LAB_TORN_DOWN = "LabTornDown";
  /** An update that needs a paused lab. */
  public static final String NOT_PAUSED = "NotPaused";
  /** An update that needs a live lab. */
  public static final String NOT_LIVE = "NotLive";
  /** An update whose argument is wrong (unknown variant, no decision). */
  public static final String INVALID_ARGUMENT = "InvalidArgument";
  /** A learner Update that the lab has no open task for (no tasks, every task done, no solve). */
  public static final String NO_OPEN_TASK = "NoOpenTask";
  /** An activity's result over the worker's bound. */
  public static final String OUTPUT_TOO_LARGE = "OutputTooLarge";

  // A lab's reset.

  /** The reset could not read all of the lab's resources, so it touched nothing. */
  public static final String RESET_REFUSED = "ResetRefused";
  /**
   * The old lab's run did not close, or the sweep left resources carrying the lab's tag; no fresh
   * lab was started.
   */
  public static final String RESET_INCOMPLETE = "ResetIncomplete";
  /** The fresh lab paused, failed or ended before it was live. */
  public static final String LAB_DID_NOT_COME_UP = "LabDidNotComeUp";
  /** Someone else started the lab while it was being reset. */
  public static final String LAB_ALREADY_RUNNING = "LabAlreadyRunning";
  /** Two open runs claim the lab id. */
  public static final String LAB_CLAIMED_TWICE = "LabClaimedTwice";

  private FailureTypes() {}
}
