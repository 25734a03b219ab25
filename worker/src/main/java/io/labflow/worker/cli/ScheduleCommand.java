package io.labflow.worker.cli;

import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.definition.ParameterBinder;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.model.Definition;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Temporal Schedules that reset labs (run {@code LabResetWorkflow}) on a cron. */
@Command(name = "schedule",
    description = "Manages Temporal Schedules that reset a lab on a cron (schedule id "
        + LabIds.RESET_PREFIX + "<labId>).",
    subcommands = {
      ScheduleCommand.Create.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Describe.class,
      ScheduleCommand.Pause.class, ScheduleCommand.Unpause.class, ScheduleCommand.Trigger.class,
      ScheduleCommand.Delete.class
    })
final class ScheduleCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The server turns cron strings into calendars; the memo keeps the cron as it was typed. */
  static final String CRON_MEMO = "cron";

  /** The schedule id of a lab's reset: accepts a lab id or the schedule id itself. */
  static String scheduleId(String labOrScheduleId) {
    return labOrScheduleId.startsWith(LabIds.RESET_PREFIX)
        ? labOrScheduleId
        : LabIds.resetId(labOrScheduleId);
  }

  @Command(name = "create", description = "Creates the reset schedule of a lab.")
  static final class Create extends BaseCommand {
    @Option(names = "--lab-id", required = true, description = "The lab to reset.") String labId;

    @Option(names = "--definition", required = true,
        description = "Definition name in the worker's definitions directory.")
    String definition;

    @Option(names = "--variant", description = "Variant of the fresh lab.") String variant;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Run parameter.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--cron", required = true, description = "Cron expression, e.g. \"0 3 * * *\".")
    String cron;

    @Option(names = "--time-zone", defaultValue = "UTC",
        description = "IANA time zone of the cron (default ${DEFAULT-VALUE}), e.g. Europe/Paris.")
    String timeZone;

    @Option(names = "--catchup-window", defaultValue = "1h",
        description = "How late a missed reset may still run (default ${DEFAULT-VALUE}).")
    Duration catchupWindow;

    @Option(names = "--paused", description = "Create the schedule paused.") boolean paused;

    /** Set by {@link #schedule()}: the bound variant and the definition's name. */
    private String chosenVariant;

    private String definitionName;

    /**
     * The schedule this command creates, its request checked and bound with the worker's binder;
     * contacts nothing.
     */
    Schedule schedule() {
      try {
        ZoneId.of(timeZone);
      } catch (RuntimeException e) {
        throw new UsageException("unknown time zone '" + timeZone + "'");
      }
      DefinitionFiles.Source source = DefinitionFiles.locate(definition, root().definitions());
      Definition def = DefinitionFiles.validOrThrow(source, err());
      ParameterBinder.BindResult bound = DefinitionFiles.bind(def, labId, variant, params);
      List<String> refused = DefinitionFiles.refused(bound);
      if (!refused.isEmpty()) {
        throw new UsageException(String.join("\n", refused));
      }
      String id = scheduleId(labId);
      Schedule schedule = Schedule.newBuilder()
          .setAction(ScheduleActionStartWorkflow.newBuilder()
              .setWorkflowType(LabResetWorkflow.TYPE)
              // The strings as typed: every night's lab binds them with the same binder.
              .setArguments(new ResetRequest(labId, def.name(), variant, new LinkedHashMap<>(params)))
              .setOptions(WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(root().taskQueue())
                  .setWorkflowRunTimeout(Duration.ofHours(3))
                  // A fleet night finds this reset by the lab's id and does not start another.
                  .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                      .set(io.labflow.workflows.lab.LabSearchAttributes.LAB_ID, labId).build())
                  .build())
              .build())
          .setSpec(ScheduleSpec.newBuilder()
              .setCronExpressions(List.of(cron))
              .setTimeZoneName(timeZone)
              .build())
          .setPolicy(SchedulePolicy.newBuilder()
              .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
              .setCatchupWindow(catchupWindow)
              .build())
          .setState(ScheduleState.newBuilder().setPaused(paused)
              .setNote(paused ? "created paused" : "").build())
          .build();
      chosenVariant = bound.variant();
      definitionName = def.name();
      return schedule;
    }

    @Override
    public Integer call() {
      Schedule schedule = schedule();
      String id = scheduleId(labId);
      try (TemporalConnection conn = connect()) {
        try {
          conn.schedules().createSchedule(id, schedule, ScheduleOptions.newBuilder()
              .setMemo(Map.of(CRON_MEMO, cron, "labId", labId, "definition", definitionName))
              .build());
        } catch (ScheduleAlreadyRunningException e) {
          throw new UsageException("schedule " + id + " already exists (delete it first)");
        }
        out().printf("Created schedule %s: reset lab %s (definition %s, variant %s) at \"%s\" %s%s%n",
            id, labId, definitionName, chosenVariant, cron, timeZone,
            paused ? " (paused)" : "");
        return 0;
      }
    }
  }

  @Command(name = "list", description = "Lists reset schedules.")
  static final class ListSchedules extends BaseCommand {
    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        List<ScheduleListDescription> all = conn.schedules().listSchedules().toList();
        int n = 0;
        for (ScheduleListDescription s : all) {
          if (!s.getScheduleId().startsWith(LabIds.RESET_PREFIX)) {
            continue;
          }
          n++;
          out().printf("%-30s %-8s next: %s%n", s.getScheduleId(),
              s.getSchedule().getState().isPaused() ? "paused" : "active",
              s.getInfo().getNextActionTimes().isEmpty() ? "-" : s.getInfo().getNextActionTimes().get(0));
        }
        if (n == 0) {
          out().println("(no reset schedules)");
        }
        return 0;
      }
    }
  }

  abstract static class OnOne extends BaseCommand {
    @Parameters(paramLabel = "LAB_ID|SCHEDULE_ID", description = "A lab id or its schedule id.")
    String target;

    ScheduleHandle handle(ScheduleClient client) {
      return client.getHandle(scheduleId(target));
    }
  }

  @Command(name = "describe", description = "Shows a reset schedule: spec, policy, recent and next runs.")
  static final class Describe extends OnOne {
    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        ScheduleDescription d = handle(conn.schedules()).describe();
        Schedule s = d.getSchedule();
        out().println("Schedule " + d.getId());
        Object cron = d.getMemo(CRON_MEMO, String.class);
        out().println("  cron:      " + (cron != null ? "\"" + cron + "\"" : s.getSpec().getCronExpressions())
            + " time zone " + (s.getSpec().getTimeZoneName() == null ? "UTC" : s.getSpec().getTimeZoneName()));
        out().println("  overlap:   " + s.getPolicy().getOverlap() + ", catch-up window "
            + s.getPolicy().getCatchupWindow());
        out().println("  state:     " + (s.getState().isPaused() ? "paused" : "active")
            + (s.getState().getNote() == null || s.getState().getNote().isEmpty() ? "" : " (" + s.getState().getNote() + ")"));
        if (s.getAction() instanceof ScheduleActionStartWorkflow a) {
          out().println("  action:    start " + a.getWorkflowType() + " id " + a.getOptions().getWorkflowId()
              + " on " + a.getOptions().getTaskQueue());
        }
        out().println("  actions taken: " + d.getInfo().getNumActions()
            + ", skipped for overlap: " + d.getInfo().getNumActionsSkippedOverlap());
        d.getInfo().getRecentActions().forEach(r -> out().println("  recent: " + r.getScheduledAt()
            + " -> " + r.getAction()));
        d.getInfo().getNextActionTimes().stream().limit(3).forEach(t -> out().println("  next:   " + t));
        return 0;
      }
    }
  }

  @Command(name = "pause", description = "Pauses a reset schedule.")
  static final class Pause extends OnOne {
    @Option(names = "--note", defaultValue = "paused with labflow", description = "Why.") String note;

    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        handle(conn.schedules()).pause(note);
        out().println("Paused " + scheduleId(target));
        return 0;
      }
    }
  }

  @Command(name = "unpause", description = "Resumes a paused reset schedule.")
  static final class Unpause extends OnOne {
    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        handle(conn.schedules()).unpause("unpaused with labflow");
        out().println("Unpaused " + scheduleId(target));
        return 0;
      }
    }
  }

  @Command(name = "trigger", description = "Runs a reset now (skipped if one is already running).")
  static final class Trigger extends OnOne {
    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        ScheduleHandle h = handle(conn.schedules());
        String queue = ((ScheduleActionStartWorkflow) h.describe().getSchedule().getAction())
            .getOptions().getTaskQueue();
        boolean polled = Pollers.polled(conn, queue);
        h.trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
        out().println("Triggered " + scheduleId(target));
        if (!polled) {
          throw new NoWorker(queue, "the reset is recorded (the Schedule started it) and runs when a worker polls");
        }
        return 0;
      }
    }
  }

  @Command(name = "delete", description = "Deletes a reset schedule (the lab itself is untouched).")
  static final class Delete extends OnOne {
    @Override
    public Integer call() {
      try (TemporalConnection conn = connect()) {
        handle(conn.schedules()).delete();
        out().println("Deleted " + scheduleId(target));
        return 0;
      }
    }
  }
}
