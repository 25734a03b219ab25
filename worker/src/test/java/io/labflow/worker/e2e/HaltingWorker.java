package io.labflow.worker.e2e;

import io.labflow.worker.runtime.LabWorker;
import io.labflow.worker.runtime.SiteParameterSource;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A test-only worker main: the production {@link LabWorker}, plus two hooks read from the
 * environment. {@code LABFLOW_TEST_HALT_BEFORE=<activity type>} halts the JVM (a crash: no
 * shutdown hook, nothing reported to Temporal) when a lab's workflow code is about to schedule that
 * activity, so the step before it has completed and the next one is not scheduled yet.
 * {@code LABFLOW_TEST_START_WHEN=<file>} makes a warm stand-by: connected, but polling only once
 * that file exists, so its JVM start does not count in a measured recovery. It serves metrics on
 * {@code LABFLOW_METRICS_PORT} when that is set.
 */
public final class HaltingWorker {

  private HaltingWorker() {}

  public static void main(String[] args) throws Exception {
    String haltBefore = System.getenv("LABFLOW_TEST_HALT_BEFORE");
    String startWhen = System.getenv("LABFLOW_TEST_START_WHEN");
    String metricsPort = System.getenv("LABFLOW_METRICS_PORT");
    LabWorker worker = new LabWorker(
        new LabWorker.Settings(System.getenv("LABFLOW_TASK_QUEUE"),
            Path.of(System.getenv("LABFLOW_DEFINITIONS_DIR")),
            metricsPort == null ? -1 : Integer.parseInt(metricsPort), Duration.ofSeconds(30), 16,
            SiteParameterSource.parse(System.getenv(SiteParameterSource.VARIABLE),
                SiteParameterSource.VARIABLE)),
        haltBefore == null ? List.of() : List.of(new HaltBefore(haltBefore)));
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "labflow-shutdown"));
    while (startWhen != null && !Files.exists(Path.of(startWhen))) {
      Thread.sleep(20);
    }
    worker.start();
    worker.awaitStopped();
  }

  /** Halts the JVM when workflow code (not a replay) schedules the named activity. */
  private static final class HaltBefore extends WorkerInterceptorBase {
    private final String activity;

    HaltBefore(String activity) {
      this.activity = activity;
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
              if (input.getActivityName().equals(activity) && !Workflow.isReplaying()) {
                System.err.println("halting before scheduling " + activity);
                System.err.flush();
                Runtime.getRuntime().halt(137);
              }
              return super.executeActivity(input);
            }
          });
        }
      };
    }
  }
}
