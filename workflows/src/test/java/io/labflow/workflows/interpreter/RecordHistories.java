package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the histories of {@link HistoryScenarios} as JSON for the replay test. Run it again after
 * an intended change of the interpreter's commands (and keep the old files if running labs must
 * still replay):
 *
 * <pre>
 * mvn -q -B -pl workflows test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp workflows/target/test-classes:workflows/target/classes:$(cat workflows/target/cp.txt) \
 *     io.labflow.workflows.interpreter.RecordHistories workflows/src/test/resources/histories [NAME]
 * </pre>
 *
 * <p>With a NAME, only that scenario is recorded.
 */
public final class RecordHistories {

  private RecordHistories() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "workflows/src/test/resources/histories");
    Files.createDirectories(dir);
    TestWorkflowEnvironment env = newEnvironment();
    try {
      Worker worker = env.newWorker("labflow");
      worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class);
      worker.registerActivitiesImplementations(
          LabTestEnv.RESOURCES, LabTestEnv.RESOLVER, LabTestEnv.LEARNER);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      for (var scenario : HistoryScenarios.all().entrySet()) {
        if (args.length > 1 && !scenario.getKey().equals(args[1])) {
          continue; // Only the one named (keeps the others as recorded).
        }
        LabTestEnv.reset();
        String workflowId = scenario.getValue().apply(client, worker);
        String json = client.fetchHistory(workflowId).toJson(true);
        Path file = dir.resolve(scenario.getKey() + ".json");
        Files.writeString(file, json);
        System.out.println("recorded " + file);
      }
    } finally {
      env.close();
    }
  }

  /** A time-skipping environment with labflow's search attributes and data converter. */
  static TestWorkflowEnvironment newEnvironment() {
    TestEnvironmentOptions.Builder options =
        TestEnvironmentOptions.newBuilder();
    for (var key : LabSearchAttributes.ALL) {
      options.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return TestWorkflowEnvironment.newInstance(options.build());
  }
}
