package io.labflow.worker.cli;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.Tags;
import io.labflow.activities.inventory.AccountLabs;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.worker.client.Runs;
import io.labflow.worker.client.StatusPrinter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.fleet.FleetActivitiesImpl;
import io.labflow.worker.fleet.FleetDetails;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "leaks", description = {
    "Lists the labs whose tagged resources are in the AWS account while no run of theirs is open.",
    "Reads the account's Region with this shell's AWS configuration, behind the worker's account",
    "guard (as `test` does): every stack, EC2 resource, role, customer managed policy, instance",
    "profile and bucket carrying labflow:lab, by lab and namespace; then, for this namespace's",
    "labs, the lab's run and its reset. Resources of a lab with neither are leaked: nothing will",
    "delete them. --sweep LAB deletes them (the reset's sweep by the lab's tag, no fresh lab).",
    "Exit code: 0 no leak and everything read, 1 a leak or something not read, or a sweep that did",
    "not complete, 2 usage or refused, 4 no worker polls (the sweep is recorded)."})
final class LeaksCommand extends BaseCommand {

  @Option(names = "--json", description = "Print JSON for scripts.") boolean json;

  @Option(names = "--sweep", paramLabel = "LAB_ID", description = "Delete what carries this"
      + " lab's tag and this namespace's: a reset that starts no lab (refused while a run of the"
      + " lab is open or a reset of it runs).")
  String sweep;

  @Option(names = "--wait", paramLabel = "DURATION", description = "With --sweep: follow it"
      + " until it ends, at most this long (e.g. 30m); exit 0 it completed, 1 it failed or still"
      + " runs.")
  Duration wait;

  /** The account's labs (tests read their own stack). */
  Supplier<AccountLabs> scan = () -> {
    Composition.AwsAccess aws = Composition.awsAccess(List.of());
    try (AwsClients clients = aws.clients()) {
      aws.guard().verify();
      return AccountLabs.scan(clients, line -> {
        err().println("labflow leaks: " + line);
        err().flush();
      });
    }
  };

  /**
   * One lab of this namespace with resources.
   *
   * @param run its run or reset as a sentence
   * @param leaked whether neither is open
   */
  record Lab(String labId, LabResources resources, String run, boolean leaked) {}

  record Report(String namespace, List<Lab> labs, Map<String, List<String>> otherNamespaces,
      Map<String, LabResources> unnamespaced, Map<String, List<String>> denied,
      List<String> unreadable) {}

  /** How many names of each kind the text says (JSON has them all). */
  private static final int NAMED = 5;

  @Override
  public Integer call() {
    if (wait != null && sweep == null) {
      throw new UsageException("--wait follows a sweep: give --sweep LAB_ID too");
    }
    if (sweep != null) {
      return sweep();
    }
    // Temporal first: the account's scan takes a while, and is for nothing if Temporal is not there.
    TemporalConnection conn = connect();
    AccountLabs found = scan.get();
    String ns = conn.namespace();
    List<Lab> labs = found.of(ns).entrySet().stream()
        .map(e -> lab(conn, e.getKey(), e.getValue())).toList();
    Map<String, List<String>> others = found.labs().entrySet().stream()
        .filter(e -> !e.getKey().isEmpty() && !e.getKey().equals(ns))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue().keySet())));
    Report report =
        new Report(ns, labs, others, found.of(""), found.denied().entrySet().stream().collect(
            Collectors.toMap(e -> e.getKey().key(), Map.Entry::getValue)), found.unreadable());
    boolean clean = labs.stream().noneMatch(Lab::leaked) && found.denied().isEmpty()
        && found.unreadable().isEmpty();
    if (json) {
      StatusPrinter.printJson(report, out());
    } else {
      print(report, found.denied());
    }
    return clean ? 0 : 1;
  }

  private int sweep() {
    if (!LabIds.hasShape(sweep)) {
      throw new UsageException("--sweep " + sweep + ": a lab id must be " + LabIds.RULE);
    }
    Lab lab = lab(connect(), sweep, null);
    if (!lab.leaked()) {
      throw new UsageException("lab " + sweep + " is not leaked: " + lab.run() + "; a run is torn"
          + " down with labflow teardown " + sweep);
    }
    return ResetFollow.start(this, ResetRequest.sweep(sweep), "labflow leaks --sweep",
        "has what carries its tag deleted; no lab is started", wait);
  }

  /** The lab's run or reset, and whether neither is open. */
  private static Lab lab(TemporalConnection conn, String labId, LabResources resources) {
    String reset = new FleetActivitiesImpl(conn.client(), null).runningReset(labId);
    WorkflowExecutionDescription d = Runs.newest(conn.client(), labId).orElse(null);
    if (d != null && Runs.running(d)) {
      String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
      return new Lab(labId, resources, "open: " + (state == null ? "RUNNING" : state)
          + " (run " + d.getExecution().getRunId() + ")", false);
    }
    if (reset != null) {
      return new Lab(labId, resources, "a reset runs (" + reset + ")", false);
    }
    // A sweep or reset tried since, which ended before it deleted it all.
    String tried = Runs.endedUnfinished(conn.client(), LabIds.resetId(labId),
        d == null ? null : d.getStartTime()).map(r -> "; " + r.getExecution().getWorkflowId()
            + " ended " + StatusPrinter.name(r.getStatus()) + " at " + r.getCloseTime()
            + (d == null ? "" : " (labflow status " + labId + " says why)")).orElse("");
    if (d == null) {
      return new Lab(labId, resources, "no run in namespace " + conn.namespace()
          + " (never run here, or closed past its retention)" + tried, true);
    }
    String state = d.getTypedSearchAttributes().get(LabSearchAttributes.STATE);
    return new Lab(labId, resources, "none open; its last run " + d.getExecution().getRunId()
        + " ended " + StatusPrinter.name(d.getStatus())
        + (state == null ? "" : " (last LabState " + state + ")")
        + " at " + d.getCloseTime() + tried, true);
  }

  private void print(Report r, Map<ResourceKind, List<String>> denied) {
    if (r.labs().isEmpty()) {
      out().println("No lab of namespace " + r.namespace() + " has a resource carrying "
          + Tags.LAB_TAG + " in this account's Region.");
    } else {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"LAB", "RESOURCES", "RUN"});
      r.labs().forEach(l -> rows.add(new String[] {l.labId(), l.resources().counts(),
          (l.leaked() ? "LEAKED: " : "") + l.run()}));
      FleetDetails.columns(rows).forEach(out()::println);
    }
    if (r.labs().stream().anyMatch(Lab::leaked)) {
      out().println("LEAKED: no run of the lab is open and no reset of it runs, so nothing will"
          + " delete these. Delete them: labflow leaks --sweep LAB_ID");
    }
    r.otherNamespaces().forEach((ns, labs) -> out().println("Labs of namespace " + ns
        + " (labflow leaks there says whether they are leaked): " + String.join(", ", labs)));
    if (!r.unnamespaced().isEmpty()) {
      out().println("Tagged " + Tags.LAB_TAG + " without " + Tags.NAMESPACE_TAG + " (made before"
          + " that tag; only the namespace " + Tags.CLAIM_ENV + " names deletes them): "
          + r.unnamespaced().values().stream().map(l -> l.labId() + " (" + l.counts() + ")")
              .collect(Collectors.joining(", ")));
    }
    if (!denied.isEmpty()) {
      out().println("Tags these credentials may not read (AccessDenied), so a lab's resource among"
          + " them would not show: " + denied.entrySet().stream().map(e -> e.getValue().size()
              + " " + (e.getValue().size() == 1 ? e.getKey().what() : e.getKey().plural()) + " ("
              + named(e.getValue()) + ")")
              .collect(Collectors.joining(", ")) + ". The worker's own policy reads only those"
          + " under its lab name prefixes; credentials that may read every role's, policy's,"
          + " instance profile's and bucket's tags (such as AWS's ReadOnlyAccess) see the whole"
          + " account.");
    }
    if (!r.unreadable().isEmpty()) {
      out().println("Not read, so a leak there would not show: " + named(r.unreadable()));
    }
  }

  private static String named(List<String> all) {
    return String.join(", ", all.subList(0, Math.min(NAMED, all.size())))
        + (all.size() > NAMED ? " and " + (all.size() - NAMED) + " more" : "");
  }
}
