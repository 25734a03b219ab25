package io.labflow.worker.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.temporal.failure.ApplicationFailure;
import java.util.Arrays;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Runs in the thread that logs, before any line is made (logback.xml installs it):
 *
 * <ul>
 *   <li>puts {@code LabId} in the MDC from the {@code WorkflowId} the Temporal SDK put there, so
 *       the SDK's own lines (an activity's failure, logged after the activity returned) name their
 *       lab like labflow's;
 *   <li>writes a failure labflow raised on purpose (an {@link ApplicationFailure} such as {@code
 *       NotOwned}, an invalid request, a rejected update) as one line with its type and message
 *       instead of a Java stack trace. Anything else (a bug) keeps its trace.
 * </ul>
 */
public final class LabLogFilter extends TurboFilter {

  private static final String FQCN = LabLogFilter.class.getName();

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null) {
      return FilterReply.NEUTRAL;
    }
    String workflowId = MDC.get(MdcWorkerInterceptor.WORKFLOW_ID);
    if (workflowId == null) {
      MDC.remove(MdcWorkerInterceptor.LAB_ID);
    } else {
      MDC.put(MdcWorkerInterceptor.LAB_ID, MdcWorkerInterceptor.labIdOf(workflowId));
    }
    boolean inParams = t == null && params != null && params.length > 0
        && params[params.length - 1] instanceof Throwable;
    Throwable thrown = inParams ? (Throwable) params[params.length - 1] : t;
    String refusal = thrown == null ? null : refusal(thrown);
    if (refusal == null) {
      return FilterReply.NEUTRAL;
    }
    if (logger.isEnabledFor(level)) {
      Object[] rest = params == null ? new Object[0]
          : inParams ? Arrays.copyOf(params, params.length - 1) : params;
      Object[] args = Arrays.copyOf(rest, rest.length + 1);
      args[rest.length] = refusal;
      logger.log(marker, FQCN, Level.toLocationAwareLoggerInteger(level), format + ": {}", args, null);
    }
    return FilterReply.DENY;
  }

  /**
   * {@code Type: message} of a failure labflow raised on purpose, or null for anything else. The
   * SDK wraps a Java exception an activity threw in an ApplicationFailure typed with the class's
   * full name; labflow's own types are plain words ({@code NotOwned}), and a chain that ends in a
   * Java exception is a bug whose trace is wanted.
   */
  static String refusal(Throwable thrown) {
    ApplicationFailure failure = null;
    for (Throwable c = thrown; c != null; c = c.getCause() == c ? null : c.getCause()) {
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
}
