package io.labflow.worker.reset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.testing.JsonText;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reset's input is read raw, and a refused one fails the reset with the refusal's sentence. */
@Tag("fast")
@Timeout(60)
class ResetInputTest {

  private static final String QUEUE = "reset-input";

  @TempDir static Path dir;
  private static TestWorkflowEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(
        dir.resolve("mini.yaml"),
        """
        name: mini
        variants: {a: {}}
        steps:
          - id: role
            action: CreateRole
            with: {labId: "${lab.labId}", roleName: "${lab.labId}-role"}
        """);
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LabResetWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        Composition.definitionActivities(new DirectoryDefinitionSource(dir), Preflight.NONE,
            SiteParameters.NONE));
    env.start();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  /** The failure at the top of the failed reset (what the Web UI and the CLI show first). */
  private static ApplicationFailure failure(String id, String json) {
    WorkflowStub stub =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(
                LabResetWorkflow.TYPE,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    stub.start(JsonText.of(json));
    WorkflowFailedException failed =
        catchThrowableOfType(WorkflowFailedException.class, () -> stub.getResult(Object.class));
    assertThat(failed).as(id + " failed").isNotNull();
    assertThat(env.getWorkflowClient().fetchHistory(id).getEvents())
        .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(failed.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) failed.getCause();
  }

  @Test
  void inputOfAnyDepthFailsTheResetWithASentence() {
    ApplicationFailure deep =
        failure("reset-deep", "{\"labId\":\"lab-1\",\"parameters\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
    assertThat(deep.getType()).isEqualTo("InvalidRequest");
    assertThat(deep.getOriginalMessage())
        .isEqualTo("request: the reset request is nested more than 32 levels deep");
  }

  @Test
  void everyWrongFieldIsNamedInOneSentenceEach() {
    ApplicationFailure fields = failure("reset-fields",
        "{\"varient\":\"a\",\"labId\":\"Lab 1\",\"variant\":3,\"parameters\":[]}");
    assertThat(fields.getType()).isEqualTo("InvalidRequest");
    assertThat(fields.getOriginalMessage()).isEqualTo(String.join("\n",
        "request: varient: unknown field 'varient'; did you mean 'variant'?",
        "request: definition: definition is required (a definition's name)",
        "request: variant: variant must be a string, got an integer",
        "request: labId: labId 'Lab 1' must be " + LabIds.RULE,
        "request: parameters: parameters must be a JSON object of name to value, such as"
            + " {\"bucketPrefix\":\"acme\"}, got a list"));
    assertThat(failure("reset-sweep", "{\"labId\":\"lab-1\",\"sweepOnly\":\"yes\"}")
        .getOriginalMessage()).isEqualTo(String.join("\n",
            "request: sweepOnly: sweepOnly must be true or false",
            "request: definition: definition is required (a definition's name)"));
    assertThat(failure("reset-string", "\"lab-1\"").getOriginalMessage()).isEqualTo(
        "request: a reset request must be a JSON object such as {\"labId\":\"lab-042\","
            + "\"definition\":\"iam-service-role-lab\",\"variant\":\"read-only\"}, got a string");
  }

  @Test
  void aRequestTheResolverRefusesFailsTheResetWithTheResolversSentenceAtTheTop() {
    ApplicationFailure refused =
        failure("reset-variant", "{\"labId\":\"lab-2\",\"definition\":\"mini\",\"variant\":\"nope\"}");
    assertThat(refused.getType()).isEqualTo("InvalidRequest");
    assertThat(refused.getOriginalMessage()).contains("variant").contains("nope")
        .doesNotContain("Activity task failed");
  }
}
