package io.labflow.worker.cli;

import static java.util.Objects.requireNonNullElse;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.worker.client.FailingTask;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.fleet.FleetDetails;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists lab runs (visibility query on WorkflowType='LabWorkflow').")
final class ListCommand extends BaseCommand {

  @Option(names = "--query", description = "Extra visibility filter, e.g. \"LabState='LIVE'\".")
  String extra;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1, got " + limit);
    }
    String query = "WorkflowType='" + LabWorkflow.TYPE + "'" + (extra == null ? "" : " AND (" + extra + ")");
    List<WorkflowExecutionMetadata> runs;
    try {
      runs = connect().client().listExecutions(query).limit(limit).toList();
    } catch (StatusRuntimeException e) {
      if (extra == null || e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
      throw new UsageException("--query \"" + extra + "\" is not a visibility query Temporal"
          + " takes (" + e.getStatus().getDescription() + ", in the query sent: " + query
          + "); e.g. --query \"LabState='PAUSED'\"");
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"LAB ID", "RUN", "LAB STATE", "DEFINITION", "VARIANT", "STARTED"});
    boolean failing = false;
    for (WorkflowExecutionMetadata m : runs) {
      SearchAttributes sa = m.getTypedSearchAttributes();
      failing |= sa.containsKey(FailingTask.REPORTED_PROBLEMS);
      rows.add(new String[] {m.getExecution().getWorkflowId(), StatusPrinter.name(m.getStatus())
          + (sa.containsKey(FailingTask.REPORTED_PROBLEMS) ? ", TASK FAILING" : ""),
          requireNonNullElse(sa.get(LabSearchAttributes.STATE), "-"),
          requireNonNullElse(sa.get(LabSearchAttributes.DEFINITION), "-"),
          requireNonNullElse(sa.get(LabSearchAttributes.VARIANT), "-"),
          String.valueOf(m.getStartTime())});
    }
    FleetDetails.columns(rows).forEach(out()::println);
    if (runs.isEmpty()) {
      out().println("(no lab runs)");
    }
    if (failing) {
      out().println("TASK FAILING: the lab's workflow task keeps failing, and it does nothing;"
          + " labflow status ID says why");
    }
    return 0;
  }
}
