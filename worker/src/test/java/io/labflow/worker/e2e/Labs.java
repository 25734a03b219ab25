package io.labflow.worker.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The test definitions shipped in {@code worker/src/test/resources/labs}. */
public final class Labs {

  private Labs() {}

  public static Path definitionsDir() {
    return Tools.repoRoot().resolve("worker/src/test/resources/labs");
  }

  public static Path file(String name) {
    return definitionsDir().resolve(name + ".yaml");
  }

  /** Starts lab {@code labId} of iam-mini with the typo {@code labID} and waits for its refusal. */
  public static void startRefused(WorkflowClient client, String labId, String queue)
      throws Exception {
    WorkflowStub typo = client.newUntypedWorkflowStub(LabWorkflow.TYPE,
        WorkflowOptions.newBuilder().setWorkflowId(labId).setTaskQueue(queue).build());
    typo.start(new ObjectMapper().readTree(
        "{\"definition\":\"iam-mini\",\"labID\":\"" + labId + "\"}"));
    try {
      typo.getResult(60, TimeUnit.SECONDS, Object.class);
    } catch (WorkflowFailedException expected) {
      // Refused: unknown field 'labID'.
    }
  }
}
