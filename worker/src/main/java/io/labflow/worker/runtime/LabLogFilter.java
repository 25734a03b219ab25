package io.labflow.worker.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabIds;
import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Runs in the thread that logs, before any line is made (logback.xml installs it):
 *
 * <ul>
 *   <li>puts {@code LabId} in the MDC from the {@code WorkflowId} the Temporal SDK put there (in
 *       workflow code, activities, and around them where the SDK reports a task's failure), so
 *       the SDK's own lines name their lab like labflow's;
 *   <li>writes a failure labflow raised on purpose (an {@link ApplicationFailure} such as {@code
 *       NotOwned}, an invalid request, a rejected update) as one line with its type and message
 *       instead of a Java stack trace, and an Update's as an Update's, not the workflow's
 *       ({@link #updateWording}), and the poller's report of a failed workflow task, whose cause
 *       the SDK has just logged with its trace, as one line naming the lab and the attempt.
 *       Anything else (a bug) keeps its trace.
 * </ul>
 */
public final class LabLogFilter extends TurboFilter {

  private static final String FQCN = LabLogFilter.class.getName();
  /** The MDC key the SDK fills in every thread that runs or reports a workflow or activity task. */
  static final String WORKFLOW_ID = "WorkflowId";
  static final String LAB_ID = "LabId";
  private static final String WORKFLOW_TYPE = "WorkflowType";
  /** Set by {@link #aboutLab}: the lab a line of a fleet's workflow is about. */
  private static final String ABOUT_LAB = "AboutLab";
  /** Set while this filter logs its own line, which it has decided already (and its lab). */
  private static final ThreadLocal<Boolean> REWRITING = ThreadLocal.withInitial(() -> false);
  /** How the SDK's poller begins the exception of a workflow task that failed. */
  private static final Pattern TASK_FAILED =
      Pattern.compile("^Failure processing workflow task\\. WorkflowId=([^,]+),");
  /** What a Schedule appends to the workflow id of each workflow it starts. */
  private static final Pattern SCHEDULED = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}T[^/]*$");
  /** How the SDK begins the line of a failure of a workflow task's code. */
  private static final String SDK_FAILURE = "Workflow execution failure";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || REWRITING.get()) {
      return FilterReply.NEUTRAL;
    }
    String workflowId = MDC.get(WORKFLOW_ID);
    boolean inParams = t == null && params != null && params.length > 0
        && params[params.length - 1] instanceof Throwable;
    Throwable thrown = inParams ? (Throwable) params[params.length - 1] : t;
    Matcher task = TASK_FAILED.matcher(thrown == null ? "" : String.valueOf(thrown.getMessage()));
    if (workflowId == null && task.find()) {
      // The poller's line of a failed workflow task names the workflow only in its message.
      workflowId = task.group(1);
    }
    String lab = MDC.get(ABOUT_LAB);
    if (lab == null && workflowId != null
        && !io.labflow.worker.fleet.FleetResetWorkflow.TYPE.equals(MDC.get(WORKFLOW_TYPE))) {
      lab = labIdOf(workflowId);
    }
    if (lab == null) {
      MDC.remove(LAB_ID);
    } else {
      MDC.put(LAB_ID, lab);
    }
    String refusal = thrown == null ? null : refusal(thrown);
    if (refusal == null) {
      return FilterReply.NEUTRAL;
    }
    if (logger.isEnabledFor(level)) {
      Object[] rest = params == null ? new Object[0]
          : inParams ? Arrays.copyOf(params, params.length - 1) : params;
      Object[] args = Arrays.copyOf(rest, rest.length + 1);
      args[rest.length] = refusal;
      REWRITING.set(true);
      try {
        logger.log(marker, FQCN, Level.toLocationAwareLoggerInteger(level),
            updateWording(format) + ": {}", args, null);
      } finally {
        REWRITING.set(false);
      }
    }
    return FilterReply.DENY;
  }

  /**
   * {@code Type: message} of a failure labflow raised on purpose, or null for anything else. The
   * SDK wraps a Java exception an activity threw in an ApplicationFailure typed with the class's
   * full name; labflow's own types are plain words ({@code NotOwned}), and a chain that ends in a
   * Java exception is a bug whose trace is wanted. The server's answer to an activity's result
   * when the attempt timed out or its run closed meanwhile is one line too, and so is Temporal not
   * answering, which the SDK's pollers and heartbeats log as often as they retry.
   */
  static String refusal(Throwable thrown) {
    if (thrown instanceof StatusRuntimeException closed
        && closed.getStatus().getCode() == Status.Code.NOT_FOUND) {
      return closed.getMessage() + " (the attempt timed out, or its run closed, while it ran;"
          + " its result is dropped)";
    }
    if (thrown instanceof StatusRuntimeException away && TemporalConnection.notAnswering(away)) {
      return away.getMessage() + (away.getCause() == null ? "" : ": " + away.getCause().getMessage())
          + " (Temporal does not answer; the SDK tries again)";
    }
    if (TASK_FAILED.matcher(String.valueOf(thrown.getMessage())).find()) {
      return thrown.getMessage() + " (its cause is the line before, with its trace; Temporal"
          + " retries the task until a worker can run its history)";
    }
    ApplicationFailure failure = null;
    for (Throwable c = thrown; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        failure = af;
      } else if (!(c instanceof io.temporal.failure.TemporalFailure)
          && !(c instanceof io.temporal.client.WorkflowException)) {
        return null;
      }
    }
    if (failure == null || failure.getType() == null || failure.getType().contains(".")) {
      return null;
    }
    return failure.getType() + ": " + failure.getOriginalMessage();
  }

  /**
   * The SDK says "Workflow execution failure" of an Update its validator rejected or its handler
   * failed too, where the workflow goes on: said as what it is, from the frame that logs it.
   */
  static String updateWording(String format) {
    if (!format.startsWith(SDK_FAILURE)) {
      return format;
    }
    String update = StackWalker.getInstance().walk(frames -> frames
        .map(StackWalker.StackFrame::getMethodName)
        .filter(m -> m.equals("handleValidateUpdate") || m.equals("handleExecuteUpdate"))
        .findFirst().orElse(null));
    return update == null ? format : (update.equals("handleValidateUpdate") ? "Update rejected"
        : "Update failed") + " (the workflow goes on)" + format.substring(SDK_FAILURE.length());
  }

  /**
   * Names the lab the lines logged until {@code close} are about, where the workflow is not the
   * lab's (a fleet's night): {@code try (var about = LabLogFilter.aboutLab(id)) { log... }}.
   */
  public static MDC.MDCCloseable aboutLab(String labId) {
    return MDC.putCloseable(ABOUT_LAB, labId);
  }

  /**
   * The lab id of a lab's or a reset's workflow id: itself, or the lab of a {@code
   * reset-<labId>-...} run; null for a fleet's night ({@code fleet-<name>-<time>}: many labs).
   */
  static String labIdOf(String workflowId) {
    // Schedules append "-<ISO timestamp>" to the workflow id of each action.
    Matcher scheduled = SCHEDULED.matcher(workflowId);
    String id = scheduled.find() ? workflowId.substring(0, scheduled.start()) : workflowId;
    if (id.startsWith(LabIds.RESET_PREFIX)) {
      return id.substring(LabIds.RESET_PREFIX.length());
    }
    return id.equals(workflowId) || !id.startsWith(LabIds.FLEET_PREFIX) ? id : null;
  }
}
