package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.testing.CallCounter;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.reset.LabResetWorkflowImpl;
import io.labflow.worker.reset.ResetActivitiesImpl;
import io.labflow.worker.runtime.BoundedActivityInterceptor;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.DefinitionActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.StepStatus;
import io.labflow.workflows.testing.LabPolling;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;

/**
 * The whole lab on moto: a time-skipping Temporal test environment running the real {@link
 * LabWorkflowImpl}, the real {@link DefinitionActivitiesImpl} resolving {@code
 * iam-service-role-lab} from the repository's definitions directory, and the real step library
 * against a moto server enforcing IAM (with an administrator the worker runs as).
 *
 * <p>Build one per test, after {@link MotoServer} has reset the emulator: the worker's clients
 * take the administrator's keys from the SDK's standard configuration when they are built.
 */
final class LabOnMoto implements AutoCloseable {

  static final String TASK_QUEUE = "labflow";
  static final String DEFINITION = "iam-service-role-lab";

  /** One main step of the lab file: its id, its action and the action that undoes it (or null). */
  record LabStep(String id, String action, String undo) {}

  /** The lab's main steps, in file order. */
  static final List<LabStep> STEPS =
      List.of(
          new LabStep("create-stack", "CreateStack", "DeleteStack"),
          new LabStep("create-role", "CreateRole", "DeleteRole"),
          new LabStep("verify-no-access", "VerifyAccess", null),
          new LabStep("create-policy", "CreatePolicy", "DeletePolicy"),
          new LabStep("attach-policy", "AttachRolePolicy", "DetachRolePolicy"),
          new LabStep(
              "create-instance-profile", "CreateInstanceProfile", "DeleteInstanceProfile"),
          new LabStep(
              "associate-profile", "AssociateInstanceProfile", "DisassociateInstanceProfile"),
          new LabStep("verify-access", "VerifyAccess", null));

  /** The creates of one provisioning of the lab: one of each resource. */
  static final List<String> CREATES = List.of(
      "CloudFormation.CreateStack", "Iam.CreateRole", "Iam.CreatePolicy", "Iam.CreateInstanceProfile");

  final String adminArn;
  final CallCounter calls = new CallCounter();
  final OperationLog operations = new OperationLog();
  final StepInterceptor interceptor = new StepInterceptor();
  /** DescribeStacks calls that name no stack (list-all), which a lab must never make. */
  final AtomicInteger listAllDescribeStacks = new AtomicInteger();
  final AwsClients clients;
  final TestWorkflowEnvironment env;
  final WorkflowClient client;

  private LabOnMoto(String adminArn) {
    this(adminArn, false);
  }

  private LabOnMoto(String adminArn, boolean preflight) {
    this(adminArn, preflight, Lab.definitionsDir());
  }

  private LabOnMoto(String adminArn, boolean preflight, Path definitions) {
    this.adminArn = adminArn;
    clients =
        AwsClients.fromEnvironment(
            List.of(calls, operations, countListAll(listAllDescribeStacks)));
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                // The worker's and the CLI's data converter, as in production.
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
                    .setDataConverter(RejectionFailureConverter.dataConverter()).build())
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(interceptor, new BoundedActivityInterceptor())
                        .build())
                .build());
    for (var key : LabSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class, LabResetWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ResetActivitiesImpl(env.getWorkflowClient(), TASK_QUEUE));
    ActionCatalog catalog =
        ActionCatalog.fromActivityInterfaces(
            StepLibrary.activityInterfaces().toArray(Class[]::new));
    worker.registerActivitiesImplementations(
        new DefinitionActivitiesImpl(
            new DirectoryDefinitionSource(definitions), new DefinitionLoader(catalog),
            preflight ? new AwsLabPreflight(new Composition.AwsAccess(clients,
                new AccountGuard(AccountPolicy.fromEnvironment()).bind(clients.sts(), clients.iam())),
                definitions) : Preflight.NONE,
            SiteParameters.NONE));
    worker.registerActivitiesImplementations(
        StepLibrary.implementations(clients, definitions).toArray());
    env.start();
    client = env.getWorkflowClient();
  }

  private static ExecutionInterceptor countListAll(AtomicInteger count) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
        if (c.request() instanceof DescribeStacksRequest r && r.stackName() == null) {
          count.incrementAndGet();
        }
      }
    };
  }

  /** Turns on IAM enforcement with an administrator and starts the worker as that administrator. */
  static LabOnMoto start() throws IOException {
    return new LabOnMoto(MotoServer.enforceIamWithAdmin());
  }

  /** The same, with the worker's AWS preflight in the resolve activity, as the real worker has. */
  static LabOnMoto startWithPreflight() throws IOException {
    return new LabOnMoto(MotoServer.enforceIamWithAdmin(), true);
  }

  /** The same, resolving definitions from {@code definitions} (a test's altered copy). */
  static LabOnMoto startWithDefinitions(Path definitions) throws IOException {
    return new LabOnMoto(MotoServer.enforceIamWithAdmin(), false, definitions);
  }

  /**
   * Starts the worker as the administrator {@code adminArn} of a moto whose IAM enforcement the
   * caller turned on, reaching AWS wherever the SDK's standard configuration points now (a proxy).
   */
  static LabOnMoto startAs(String adminArn) {
    return new LabOnMoto(adminArn);
  }

  /** {@link #startAs} with the worker's AWS preflight. */
  static LabOnMoto startAsWithPreflight(String adminArn) {
    return new LabOnMoto(adminArn, true);
  }

  /**
   * Starts a lab of {@code iam-service-role-lab} by name, verified by probe as the administrator
   * (moto has no policy simulator).
   */
  LabWorkflow startLab(String labId, String variant) {
    return startLab(
        labId,
        variant,
        Map.of(
            "verifyMethod", "probe",
            "trustedPrincipalArn", adminArn,
            "verifyBudgetSeconds", 20));
  }

  /** Starts a lab of {@code iam-service-role-lab} with exactly these parameters. */
  LabWorkflow startLab(String labId, String variant, Map<String, Object> parameters) {
    return start(DEFINITION, labId, variant, parameters);
  }

  /**
   * Starts a lab of {@code iam-service-role-challenge}: the administrator issues the learner's
   * credentials; the access checks answer at once (moto has no propagation delay).
   */
  LabWorkflow startChallenge(String labId) {
    return start("iam-service-role-challenge", labId, null,
        Map.of("trustedPrincipalArn", adminArn, "checkBudgetSeconds", 0));
  }

  /** Starts a lab of the inline definition {@code yaml} with these parameters. */
  LabWorkflow startInline(String labId, String yaml, Map<String, Object> parameters) {
    return start(new LabRequest(null, null, labId, parameters, yaml));
  }

  /** A step file's first step (lines 3 to 9 after {@code name} and {@code steps}): a role. */
  static final String ROLE_STEP = """
        - id: role
          action: CreateRole
          with: {labId: "${lab.labId}", roleName: "labflow-${lab.labId}-role",
            servicePrincipal: ec2.amazonaws.com}
          compensate:
            action: DeleteRole
            with: {labId: "${lab.labId}", roleName: "labflow-${lab.labId}-role"}
      """;

  /**
   * An inline definition that creates a role, then a stack whose template the parameter {@code
   * template} names ({@code templates/${params.template}}, by default {@code defaultTemplate}).
   */
  static String roleThenParameterNamedStack(String defaultTemplate) {
    return """
        name: role-then-stack
        parameters:
          template: {type: string, default: %s}
        steps:
        """.formatted(defaultTemplate) + ROLE_STEP + """
          - id: stack
            action: CreateStack
            with: {labId: "${lab.labId}", stackName: "labflow-${lab.labId}",
              templateFile: "templates/${params.template}",
              parameters: {BucketName: "labflow-${lab.labId}-bucket"}}
        """;
  }

  private LabWorkflow start(
      String definition, String labId, String variant, Map<String, Object> parameters) {
    return start(new LabRequest(definition, variant, labId, parameters, null));
  }

  private LabWorkflow start(LabRequest request) {
    LabWorkflow lab =
        client.newWorkflowStub(
            LabWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(request.labId()).setTaskQueue(TASK_QUEUE)
                .build());
    WorkflowClient.start(lab::run, RawJson.of(request));
    return lab;
  }

  /** Polls the status query in real time until it matches (activities take real time on moto). */
  static LabStatus awaitStatus(LabWorkflow lab, Predicate<LabStatus> condition) {
    return LabPolling.awaitStatus(lab, condition, Duration.ofMinutes(3), Duration.ofMillis(100));
  }

  /** Waits until the lab is LIVE; fails with its last error if it ends in another state first. */
  static LabStatus awaitLive(LabWorkflow lab) {
    LabStatus live = awaitStatus(lab,
        s -> s.state() == LabState.LIVE || s.state() == LabState.PAUSED || s.state().isFinal());
    assertThat(live.state()).as("last error: %s", live.lastError()).isEqualTo(LabState.LIVE);
    return live;
  }

  /** The step's status by id. */
  static StepStatus step(LabStatus status, String id) {
    return status.steps().stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + id + " in " + status));
  }

  /** The LabState search attribute as the server holds it. */
  static String stateAttribute(LabWorkflow lab) {
    return WorkflowStub.fromTyped(lab)
        .describe()
        .getTypedSearchAttributes()
        .get(LabSearchAttributes.STATE);
  }

  /** What still carries the lab's tag, by the step library's own ListLabResources. */
  static LabResources tagged(String labId) {
    try (Lab lab = new Lab()) {
      return lab.inventory.listLabResources(new LabInput(labId));
    }
  }

  @Override
  public void close() {
    env.close();
    clients.close();
  }
}
