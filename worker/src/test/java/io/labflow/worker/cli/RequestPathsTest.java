package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.LabResetWorkflowImpl;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.DefinitionActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.model.ParameterDef;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The same parameter strings bind to the same typed values, or fail with the same sentence,
 * whether they come from the command line ({@code labflow run -p k=v}), the Web UI (a raw JSON
 * request to {@code LabWorkflow}) or a fleet's Schedule (the reset request of a lab of a fleet file
 * {@code labflow fleet apply} stores), for every parameter type of the definition language. Each path runs for real up to the
 * worker's resolver, whose preflight records what it was given and stops the lab.
 */
@Tag("fast")
class RequestPathsTest {

  private static final String QUEUE = "request-paths";

  private static final String DEFINITION =
      """
      name: typed-lab
      parameters:
        owner: {type: string, pattern: "[a-z]+"}
        seconds: {type: integer}
        strict: {type: boolean}
        actions: {type: list}
      steps:
        - id: role
          action: CreateRole
          with:
            labId: ${lab.labId}
            roleName: ${lab.labId}-role
            servicePrincipal: ec2.amazonaws.com
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Map<String, Object>> RECORDED = new ConcurrentHashMap<>();
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir static Path dir;
  private static TestWorkflowEnvironment env;
  private static WorkflowClient client;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("typed-lab.yaml"), DEFINITION);
    env = TestWorkflowEnvironment.newInstance();
    for (var key : LabSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class, LabResetWorkflowImpl.class);
    Preflight record =
        (labId, lab) -> {
          RECORDED.put(labId, new LinkedHashMap<>(lab.parameters()));
          throw ApplicationFailure.newNonRetryableFailure("recorded", "InvalidRequest");
        };
    worker.registerActivitiesImplementations(
        new DefinitionActivitiesImpl(
            new DirectoryDefinitionSource(dir), new DefinitionLoader(Composition.CATALOG),
            record, SiteParameters.NONE));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @Test
  void theDefinitionHasEveryParameterType() {
    var definition = Composition.validate("typed-lab.yaml", DEFINITION).definitionOrNull();
    assertThat(definition.parameters().values().stream().map(ParameterDef::type).toList())
        .containsExactlyInAnyOrderElementsOf(DefinitionKeys.PARAMETER_TYPES);
  }

  @Test
  void wellFormedStringsBindToTheSameTypedValues() {
    assertSameEverywhere(
        strings("owner", "ada", "seconds", "900", "strict", "yes", "actions", "s3:GetObject, s3:PutObject"),
        Map.of("owner", "ada", "seconds", 900, "strict", true,
            "actions", List.of("s3:GetObject", "s3:PutObject")));
    assertSameEverywhere(
        strings("owner", "bo", "seconds", " -7 ", "strict", "FALSE", "actions", ""),
        Map.of("owner", "bo", "seconds", -7, "strict", false, "actions", List.of()));
    assertSameEverywhere(
        strings("owner", "cy", "seconds", "5000000000", "strict", "No", "actions", "iam:GetRole"),
        Map.of("owner", "cy", "seconds", 5_000_000_000L, "strict", false,
            "actions", List.of("iam:GetRole")));
  }

  @Test
  void malformedStringsFailWithTheSameSentence() {
    assertSameEverywhere(strings("owner", "ada", "seconds", "an hour"),
        "parameters.seconds: parameter 'seconds' must be an integer, got a string 'an hour'");
    assertSameEverywhere(strings("owner", "ada", "strict", "maybe"),
        "parameters.strict: parameter 'strict' must be a boolean, got a string 'maybe'"
            + " (true, false, yes or no)");
    assertSameEverywhere(strings("owner", "ada", "actions", "s3:GetObject,,s3:PutObject"),
        "parameters.actions: parameter 'actions' must be a list of comma-separated items, got"
            + " 's3:GetObject,,s3:PutObject' with an empty item 2");
    assertSameEverywhere(strings("owner", "Ada"),
        "parameters.owner: parameter 'owner' value 'Ada' does not match pattern '[a-z]+'");
    assertSameEverywhere(strings("owner", "ada", "colour", "red"),
        "parameters.colour: unknown parameter 'colour'; expected one of: owner, seconds, strict,"
            + " actions");
  }

  @Test
  void theWebUiMayAlsoSendTypedJson() throws Exception {
    Object typed = webUi("{\"definition\":\"typed-lab\",\"parameters\":{\"owner\":\"ada\","
        + "\"seconds\":900,\"strict\":true,\"actions\":[\"s3:GetObject\",\"s3:PutObject\"]}}");
    assertThat(typed).isEqualTo(webUi(json(
        strings("owner", "ada", "seconds", "900", "strict", "true", "actions", "s3:GetObject,s3:PutObject"))));
  }

  // ------------------------------------------------------------------ the three paths

  private void assertSameEverywhere(Map<String, String> parameters, Object expected) {
    Object cli = cli(parameters);
    Object ui = webUi(json(parameters));
    Object fleet = fleet(parameters);
    assertThat(List.of(cli, ui, fleet))
        .as("CLI, Web UI and fleet for %s", parameters)
        .containsOnly(expected);
  }

  /** {@code labflow run typed-lab --lab-id ID -p k=v ...}, started as the command starts it. */
  private Object cli(Map<String, String> parameters) {
    String labId = "cli-" + IDS.incrementAndGet();
    List<String> args = new ArrayList<>(List.of(
        "--definitions", dir.toString(), "--task-queue", QUEUE, "run", "typed-lab", "--lab-id", labId));
    parameters.forEach((k, v) -> args.addAll(List.of("-p", k + "=" + v)));
    CommandLine cli = Main.newCommandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    RunCommand.Start start;
    try {
      start = run.prepare();
    } catch (UsageException e) {
      return problem(e.getMessage());
    }
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class, start.starter().options());
    WorkflowClient.start(lab::run, RawJson.of(start.request()));
    return outcome(labId, WorkflowStub.fromTyped(lab));
  }

  /** A raw JSON request, as a person types it into the Web UI's Start Workflow form. */
  private Object webUi(String request) {
    String labId = "ui-" + IDS.incrementAndGet();
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(LabWorkflow.TYPE,
          WorkflowOptions.newBuilder().setWorkflowId(labId).setTaskQueue(QUEUE).build());
      stub.start(JSON.readValue(request, Object.class));
      return outcome(labId, stub);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A fleet file's shared parameters as the fleet's Schedule passes them ({@code labflow fleet
   * apply}, checked with the same binder), started as the night starts the lab's reset.
   */
  private Object fleet(Map<String, String> parameters) {
    String labId = "fl-" + IDS.incrementAndGet();
    Path file = dir.resolve(labId + ".fleet.yaml");
    try {
      Files.writeString(file, "name: " + labId + "\ndefinition: typed-lab\nlabs: [" + labId + "]\n"
          + "schedule: {cron: \"0 3 * * *\"}\nparameters: " + JSON.writeValueAsString(parameters) + "\n");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    FleetFiles.Checked checked = FleetFiles.check(file, dir);
    if (!checked.ok()) {
      return problem(String.join("\n", checked.problems()));
    }
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) new FleetSchedules.Content(
        checked.fleetOrNull().schedule(), FleetRequest.of(checked.fleetOrNull(), Map.of()), QUEUE)
        .schedule(ScheduleState.newBuilder().build()).getAction();
    assertThat(action.getWorkflowType()).isEqualTo(FleetResetWorkflow.TYPE);
    FleetRequest request = FleetRequest.parse(action.getArguments().get(0, JsonNode.class));
    WorkflowStub stub = client.newUntypedWorkflowStub(LabResetWorkflow.TYPE,
        WorkflowOptions.newBuilder().setWorkflowId(LabIds.resetId(labId)).setTaskQueue(QUEUE).build());
    stub.start(RawJson.of(request.resetOf(request.labs().get(0))));
    return outcome(labId, stub);
  }

  /** What the resolver recorded, or the sentence the run failed with. */
  private static Object outcome(String labId, WorkflowStub stub) {
    WorkflowFailedException failed =
        catchThrowableOfType(WorkflowFailedException.class, () -> stub.getResult(Object.class));
    assertThat(failed).as("the run of " + labId + " stops at the resolver").isNotNull();
    Map<String, Object> recorded = RECORDED.get(labId);
    if (recorded != null) {
      return recorded;
    }
    Throwable root = failed;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return problem(((ApplicationFailure) root).getOriginalMessage());
  }

  /** The parameter problems of a message, without the source each path names them with. */
  private static String problem(String message) {
    return message.lines()
        .filter(l -> l.contains("parameters."))
        .map(l -> l.substring(l.indexOf("parameters.")))
        .collect(Collectors.joining("\n"));
  }

  private static Map<String, String> strings(String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  private static String json(Map<String, String> parameters) {
    try {
      return JSON.writeValueAsString(Map.of("definition", "typed-lab", "parameters", parameters));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
