package io.labflow.worker.cli;

import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A live lab with two learner tasks, as the learner Updates' contract describes it: {@code
 * create-role} (20 points, two conditions) and {@code create-policy} (30 points, one). What each
 * lab does is scripted by its lab id in {@link #SCRIPTS}; a lab whose id starts with {@code hang}
 * never answers a check, one whose id starts with {@code slow} answers one once signalled {@link
 * #decide}, one whose id starts with {@code probing} after 4 s of an access check ({@link
 * Probe}), one whose id starts with {@code quick-switch} switches within its
 * Update's workflow task (its step {@code update-policy} done anew, each time with another
 * {@code versionId}), any other never ends its switch; one whose id starts with {@code
 * three-steps} has the steps {@code stack}, {@code role} and {@code policy}, all undone at once. It is also the live lab a reset tears
 * down ({@code TeardownOutcomeTest}).
 */
public class LearnerLabDouble implements LabWorkflow {

  /** A check's access check while IAM propagates: its heartbeat, then 4 s of real time. */
  @ActivityInterface
  public interface Probe {
    @ActivityMethod(name = "CheckAccess")
    void checkAccess(String labId);
  }

  /** The one implementation: what {@code Waiting} says on the first poll. */
  static final class ProbeImpl implements Probe {
    static final String SAID = "checking the access of role labflow-%s-role while IAM propagates"
        + " a change (now s3:PutObject denied, expected allowed): 30ms of at most 15s, poll 1";

    @Override
    public void checkAccess(String labId) {
      Activity.getExecutionContext().heartbeat(SAID.formatted(labId));
      try {
        Thread.sleep(4_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * @param passEarly tasks whose checks pass before their solve
   * @param brokenSolve tasks whose solve does not make them pass
   */
  record Script(Set<String> passEarly, Set<String> brokenSolve) {
    static final Script CLEAN = new Script(Set.of(), Set.of());
  }

  static final Map<String, Script> SCRIPTS = new ConcurrentHashMap<>();

  private static final List<LearnerProgress.Task> TASKS = List.of(
      new LearnerProgress.Task("create-role", "Create a role EC2 may assume", 20, null),
      new LearnerProgress.Task("create-policy", "Write a policy scoped to the bucket", 30, null));

  private final String labId = Workflow.getInfo().getWorkflowId();
  private final Script script = SCRIPTS.getOrDefault(labId, Script.CLEAN);
  private final Map<String, LearnerProgress.TaskState> states = new LinkedHashMap<>();
  private final Set<String> solved = new HashSet<>();
  private LabState state = LabState.LIVE;
  private String variant = "default";
  private int policyVersions = 1;
  private int current;
  private int score;
  private CheckAnswer last;
  private String notice;
  private boolean decided;

  @Override
  public LabResult run(RawValue request) {
    Workflow.await(() -> state == LabState.TORN_DOWN);
    return new LabResult(labId, state, List.of());
  }

  @Override
  public LabStatus status() {
    if (labId.startsWith("broken-status")) {
      throw new IllegalStateException("the status handler failed");
    }
    if (labId.startsWith("unreplayable")) {
      // What the SDK throws where this worker's code does not match the lab's history.
      throw new io.temporal.worker.NonDeterministicException("[TMPRL1100] Failure handling event 5"
          + " of type 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' during replay.");
    }
    List<LearnerProgress.Task> tasks = new ArrayList<>();
    for (LearnerProgress.Task t : TASKS) {
      tasks.add(new LearnerProgress.Task(t.id(), t.title(), t.points(),
          states.getOrDefault(t.id(), LearnerProgress.TaskState.OPEN)));
    }
    StepState done = state == LabState.TORN_DOWN ? StepState.COMPENSATED : StepState.DONE;
    List<StepStatus> steps = new ArrayList<>(List.of(
        new StepStatus("stack", "CreateStack", done, 1, Map.of(), null)));
    if (labId.startsWith("three-steps")) {
      steps.add(new StepStatus("role", "CreateRole", done, 1, Map.of(), null));
      steps.add(new StepStatus("policy", "CreatePolicy", done, 1, Map.of(), null));
    }
    if (policyVersions > 1) {
      steps.add(new StepStatus("update-policy", "CreatePolicyVersion", StepState.DONE, 1,
          Map.of("versionId", "v" + policyVersions), null));
    }
    return new LabStatus(labId, "learner-lab", variant, state, steps, null, null, notice,
        new LearnerProgress(tasks, currentTask(), instructions(), score, 50, last),
        List.of(), null); // as the challenge's: no steps run on a variant change
  }

  private String currentTask() {
    return current < TASKS.size() ? TASKS.get(current).id() : null;
  }

  /** What the current task asks. */
  private String instructions() {
    return currentTask() == null ? null
        : "Do **" + currentTask() + "**:\n\n  with the CLI, or the console.\n";
  }

  @Override
  public CheckAnswer check(RawValue none) {
    if (labId.startsWith("hang")) {
      // As when its worker dies after taking the check: no answer comes.
      Workflow.await(() -> false);
    }
    if (labId.startsWith("slow")) {
      Workflow.await(() -> decided);
    }
    if (labId.startsWith("probing")) {
      Workflow.newActivityStub(Probe.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1)).build()).checkAccess(labId);
    }
    LearnerProgress.Task task = TASKS.get(current);
    boolean passes = solved.contains(task.id())
        ? !script.brokenSolve().contains(task.id())
        : script.passEarly().contains(task.id());
    List<CheckAnswer.Condition> conditions = task.id().equals("create-role")
        ? List.of(
            passes
                ? new CheckAnswer.Condition("trusts-ec2", true, null, null,
                    "only ec2.amazonaws.com may assume labflow-" + labId + "-role")
                : new CheckAnswer.Condition("trusts-ec2", false,
                    "The role must let EC2, and only EC2, assume it.",
                    "In the trust policy, Principal is {\"Service\": \"ec2.amazonaws.com\"}.",
                    "the trust policy lets lambda.amazonaws.com assume labflow-" + labId
                        + "-role; only ec2.amazonaws.com may"),
            new CheckAnswer.Condition("has-boundary", passes, passes ? null
                : "The role must carry the lab's permissions boundary.", null, null))
        : List.of(new CheckAnswer.Condition("scoped", passes,
            passes ? null : "The policy must allow List and Get on the bucket only.", null, null));
    if (passes) {
      boolean wasSolved = solved.contains(task.id());
      states.put(task.id(), wasSolved
          ? LearnerProgress.TaskState.SOLVED : LearnerProgress.TaskState.PASSED);
      score += wasSolved ? 0 : task.points();
      current++;
    }
    last = new CheckAnswer(task.id(), passes, conditions, score, 50, currentTask(),
        passes ? instructions() : null);
    return last;
  }

  @Override
  public CheckAnswer solve(RawValue none) {
    solved.add(TASKS.get(current).id());
    return check(none);
  }

  @Override
  public CheckAnswer skip(RawValue none) {
    String task = TASKS.get(current).id();
    states.put(task, LearnerProgress.TaskState.SKIPPED);
    current++;
    last = new CheckAnswer(task, false, List.of(), score, 50, currentTask(), instructions());
    return last;
  }

  @Override
  public LabStatus extend(RawValue duration) {
    notice = "kept alive " + DefaultDataConverter.STANDARD_INSTANCE
        .fromPayload(duration.getPayload(), String.class, String.class) + " longer";
    return status();
  }

  private void openTask() {
    if (state != LabState.LIVE || current >= TASKS.size()) {
      throw ApplicationFailure.newFailure(
          "lab " + labId + " has no open task (" + state + ")", "NotLive");
    }
  }

  @Override
  public void validateCheck(RawValue none) {
    openTask();
  }

  @Override
  public void validateSolve(RawValue none) {
    openTask();
  }

  @Override
  public void validateSkip(RawValue none) {
    openTask();
  }

  @Override
  public void validateExtend(RawValue duration) {
    if (state != LabState.LIVE) {
      throw ApplicationFailure.newFailure("lab " + labId + " is not live", "NotLive");
    }
  }

  @Override
  public LabStatus teardown(RawValue none) {
    state = LabState.TORN_DOWN;
    return status();
  }

  @Override
  public void validateTeardown(RawValue none) {
    if (state != LabState.LIVE) {
      throw ApplicationFailure.newFailure("lab " + labId + " is not live", "NotLive");
    }
  }

  @Override
  public void requestTeardown() {
    state = LabState.TORN_DOWN;
  }

  @Override
  public LabStatus resume(RawValue decision) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void decide(RawValue decision) {
    decided = true;
  }

  /** A quick switch, or one whose steps take longer than any command follows it. */
  @Override
  public LabStatus switchVariant(RawValue requested) {
    if (labId.startsWith("quick-switch")) {
      variant = DefaultDataConverter.STANDARD_INSTANCE
          .fromPayload(requested.getPayload(), String.class, String.class);
      policyVersions++;
      return status();
    }
    state = LabState.SWITCHING;
    Workflow.await(() -> false);
    return status();
  }

  @Override
  public void validateResume(RawValue decision) {}

  @Override
  public void validateSwitchVariant(RawValue variant) {}
}
