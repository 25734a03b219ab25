package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.adopt;
import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.exists;
import static io.labflow.workflows.interpreter.LabTestEnv.LEARNER;
import static io.labflow.workflows.interpreter.LabTestEnv.RESOURCES;
import static io.labflow.workflows.interpreter.LabTestEnv.awaitState;
import static io.labflow.workflows.interpreter.LabTestEnv.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.CheckAnswer;
import io.labflow.workflows.lab.CheckAnswer.Condition;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.LearnerProgress;
import io.labflow.workflows.lab.LearnerProgress.TaskState;
import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.Definition;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import io.temporal.worker.Worker;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Learner mode: tasks checked, solved and skipped on a live lab; what was adopted torn down. */
@Timeout(90)
@Tag("fast")
class LabWorkflowLearnerTest {

  @RegisterExtension static final TestWorkflowExtension ENV = LabTestEnv.extension();

  @BeforeEach
  void reset() {
    LabTestEnv.reset();
  }

  /** Three tasks: make-role (two checks, adopted), make-policy (solvable), make-profile. */
  static Definition learnerLab() {
    return definition("learner")
        .keepAlive(Duration.ofDays(1))
        .steps(create("stack"))
        .task("make-role", 10,
            List.of(exists("role-exists", "role"), exists("boundary-exists", "boundary")),
            List.of(),
            List.of(adopt("adopt-role", "role"), adopt("adopt-boundary", "boundary")))
        .task("make-policy", 20, List.of(exists("policy-exists", "policy")),
            List.of(create("solve-policy")
                .with(Defs.map("labId", "${lab.labId}", "name", "policy"))
                .compensate("Delete", Defs.map("labId", "${lab.labId}", "name", "policy"))),
            List.of(adopt("adopt-policy", "policy")))
        .task("make-profile", 30, List.of(exists("profile-exists", "profile")), List.of(),
            List.of())
        .build();
  }

  private static Condition failed(String id, String name, String lab) {
    return new Condition(id, false, "Make " + name + " in " + lab + ".", "Hint for " + name + ".",
        "no " + name);
  }

  private static Condition passed(String id, String name) {
    return new Condition(id, true, null, null, "found " + name);
  }

  /** The sentence an Update was rejected with. */
  private static String rejection(ThrowingCallable update) {
    Throwable thrown = catchThrowable(update);
    assertThat(thrown).isInstanceOf(WorkflowUpdateException.class);
    Throwable root = thrown;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return ((ApplicationFailure) root).getOriginalMessage();
  }

  @Test
  void checkFailsThenPassesAdoptsAndTeardownUndoesTheAdoptionsNewestFirst(
      WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-learn", learnerLab(), null);
    LabStatus live = awaitState(lab, LabState.LIVE);
    assertThat(live.learner())
        .isEqualTo(new LearnerProgress(
            List.of(
                new LearnerProgress.Task("make-role", "Title of make-role", 10, TaskState.OPEN),
                new LearnerProgress.Task("make-policy", "Title of make-policy", 20, TaskState.OPEN),
                new LearnerProgress.Task("make-profile", "Title of make-profile", 30, TaskState.OPEN)),
            "make-role", "Do **make-role**.", 0, 60, null));

    LEARNER.made.add("role");
    CheckAnswer first = lab.check(null);

    assertThat(first).isEqualTo(new CheckAnswer("make-role", false,
        List.of(passed("role-exists", "role"), failed("boundary-exists", "boundary", "lab-learn")),
        0, 60, "make-role", null));
    assertThat(RESOURCES.log()).containsExactly("Create stack");

    LEARNER.made.add("boundary");
    CheckAnswer second = lab.check(null);

    assertThat(second).isEqualTo(new CheckAnswer("make-role", true,
        List.of(passed("role-exists", "role"), passed("boundary-exists", "boundary")),
        10, 60, "make-policy", "Do **make-policy**."));
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.LIVE);
    assertThat(status.learner().lastCheck()).isEqualTo(second);
    assertThat(status.learner().tasks()).extracting(LearnerProgress.Task::state)
        .containsExactly(TaskState.PASSED, TaskState.OPEN, TaskState.OPEN);
    assertThat(status.steps()).extracting(s -> s.id() + " " + s.state())
        .containsExactly("stack DONE", "adopt-role DONE", "adopt-boundary DONE");

    CheckAnswer solved = lab.solve(null);
    assertThat(solved).isEqualTo(new CheckAnswer("make-policy", true,
        List.of(passed("policy-exists", "policy")), 10, 60, "make-profile", "Do **make-profile**."));

    CheckAnswer skipped = lab.skip(null);
    assertThat(skipped).isEqualTo(new CheckAnswer("make-profile", false, List.of(), 10, 60, null, null));
    assertThat(lab.status().learner().tasks()).extracting(LearnerProgress.Task::state)
        .containsExactly(TaskState.PASSED, TaskState.SOLVED, TaskState.SKIPPED);
    assertThat(rejection(() -> lab.check(null))).isEqualTo("check: every task of lab lab-learn"
        + " is done; tear it down (labflow teardown lab-learn, or the Update teardown)");
    assertThat(lab.status().state()).isEqualTo(LabState.LIVE);

    lab.teardown(null);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(RESOURCES.log()).containsExactly(
        "Create stack", "Create policy",
        "Delete policy", "Delete policy", "Delete boundary", "Delete role", "Delete stack");
    // Each check is one activity; the 1 + 2 + 2 + 2 + 1 calls, and the 2 undo calls, nothing more.
    List<HistoryEvent> events = client.fetchHistory("lab-learn").getEvents();
    assertThat(events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()))
        .containsExactly("Create", "CheckExists", "CheckExists", "CheckExists",
            "CheckExists", "AdoptThing", "AdoptThing", "Create", "CheckExists", "AdoptThing",
            "Delete", "Delete", "Delete", "Delete", "Delete");
  }

  @Test
  void aCheckThatCannotRunFailsWithItsErrorAndTheOthersStillRun(WorkflowClient client, Worker worker) {
    LEARNER.broken.add("role");
    LabWorkflow lab = start(client, worker, "lab-learn-broken", learnerLab(), null);
    awaitState(lab, LabState.LIVE);

    CheckAnswer answer = lab.check(null);

    assertThat(answer.conditions()).containsExactly(
        new Condition("role-exists", false, "Make role in lab-learn-broken.", "Hint for role.",
            "could not check: AccessDenied: cannot read role"),
        failed("boundary-exists", "boundary", "lab-learn-broken"));
    assertThat(answer.passed()).isFalse();
    assertThat(lab.status().state()).isEqualTo(LabState.LIVE);
  }

  @Test
  void aCheckWhoseInputCannotBeFilledInFailsSayingWhyAndTheOthersStillRun(
      WorkflowClient client, Worker worker) {
    Check unresolved = new Check("role-exists", "CheckExists",
        Defs.map("labId", "${lab.labId}", "name", "${steps.stack.roleName}"), "Make role.", null, 0);
    Definition def = definition("learner-unresolved")
        .keepAlive(Duration.ofDays(1))
        .steps(create("stack"))
        .task("make-role", 10, List.of(unresolved, exists("boundary-exists", "boundary")),
            List.of(), List.of())
        .build();
    LabWorkflow lab = start(client, worker, "lab-learn-unresolved", def, null);
    awaitState(lab, LabState.LIVE);

    CheckAnswer answer = lab.check(null);

    assertThat(answer.conditions()).containsExactly(
        new Condition("role-exists", false, "Make role.", null,
            "could not check: '${steps.stack.roleName}' has no value"),
        failed("boundary-exists", "boundary", "lab-learn-unresolved"));
    assertThat(lab.status().state()).isEqualTo(LabState.LIVE);
  }

  @Test
  void aRefusedAdoptionLeavesTheLabLiveAndTheTaskOpenSayingWhy(WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-learn-adopt", learnerLab(), null);
    awaitState(lab, LabState.LIVE);
    LEARNER.made.addAll(List.of("role", "boundary"));
    LEARNER.adoptRefused.add("boundary");

    CheckAnswer refused = lab.check(null);

    assertThat(refused).isEqualTo(new CheckAnswer("make-role", false,
        List.of(passed("role-exists", "role"), passed("boundary-exists", "boundary"),
            new Condition("make-role", false, "step 'adopt-boundary' (AdoptThing) refused:"
                + " NotOwned: boundary was made before the lab started", null, null)),
        0, 60, "make-role", null));
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.LIVE);
    assertThat(status.learner().currentTask()).isEqualTo("make-role");

    LEARNER.adoptRefused.clear();
    assertThat(lab.check(null).passed()).isTrue();
    lab.teardown(null);

    // Each undo registered once, though its step ran twice.
    assertThat(RESOURCES.log())
        .containsExactly("Create stack", "Delete boundary", "Delete role", "Delete stack");
  }

  @Test
  void updatesThatCannotApplyAreRejectedWithOneSentence(WorkflowClient client, Worker worker) {
    LabWorkflow lab = start(client, worker, "lab-learn-refuse", learnerLab(), null);
    awaitState(lab, LabState.LIVE);

    assertThat(rejection(() -> lab.check(RawJson.of("now")))).isEqualTo("check takes no input, got a string 'now'; send it with no input");
    assertThat(rejection(() -> lab.solve(null))).isEqualTo("solve: task 'make-role' has no solve steps; check or skip it");
    assertThat(rejection(() -> lab.extend(RawJson.of("1h")))).startsWith("extend: lab lab-learn-refuse may stay live at most 24h (its"
            + " keepAlive; set maxLifetime to allow more)");
    assertThat(rejection(() -> lab.extend(RawJson.of("soon")))).isEqualTo("the duration must be a string such as \"30m\" or \"2h\" (longer than zero),"
            + " got a string 'soon'");
    lab.teardown(null);

    LabWorkflow plain = start(client, worker, "lab-no-tasks",
        definition("plain").keepAlive(Duration.ofDays(1))
            .steps(create("a").input("note", "${lab.startedAt}")).build(), null);
    awaitState(plain, LabState.LIVE);
    com.google.protobuf.Timestamp started = WorkflowStub.fromTyped(plain).describe()
        .getRawDescription().getWorkflowExecutionInfo().getStartTime();
    assertThat(RESOURCES.input("Create a").note())
        .isEqualTo(java.time.Instant.ofEpochSecond(started.getSeconds(), started.getNanos())
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    assertThat(rejection(() -> plain.check(null))).isEqualTo("check: lab lab-no-tasks has no learner tasks");
    assertThat(plain.status().learner()).isNull();
  }
}
