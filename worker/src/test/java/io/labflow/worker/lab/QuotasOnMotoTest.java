package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.Tags;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.worker.fleet.FleetActivities;
import io.labflow.worker.fleet.FleetActivitiesImpl;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.FleetRequest;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.worker.fleet.FleetResetWorkflowImpl;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.quotas.QuotaPlanner.NightPlan;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * labflow within AWS's default quotas, on a moto of its own that enforces them ({@code
 * LABFLOW_AWS_QUOTAS=default}: 5 VPCs per region, the default VPC included): a lab over quota is
 * refused before anything is created, and a 10-lab fleet night resets the labs that fit, leaves the
 * rest untouched and not quarantined, and names {@code L-F678F1CE} with its numbers. The night's
 * quota plan is the worker's own (Service Quotas and usage read from moto); its resets are stubs
 * that take a lab's share as the lab's stack does (one VPC and one internet gateway, tagged).
 */
@Tag("moto")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class QuotasOnMotoTest {

  private static MotoProcess moto;
  private static String adminArn;
  private LabOnMoto lab;
  private TestWorkflowEnvironment env;

  @BeforeAll
  static void startMotoWithDefaultQuotas() {
    moto = MotoProcess.start("moto-default-quotas", Path.of("target", "test-logs"),
        MotoProcess.Limits.NONE.withQuotas("default"));
  }

  @AfterAll
  static void stopMoto() {
    // The next class's MotoServer points the SDK at its own moto again.
    moto.close();
  }

  @BeforeEach
  void freshAccount() throws Exception {
    moto.reset();
    MotoProcess.Admin admin = moto.enforceIamWithAdmin("labflow-admin");
    adminArn = admin.arn();
    System.setProperty("aws.endpointUrl", moto.endpoint());
    System.setProperty("aws.region", MotoProcess.REGION);
    System.setProperty("aws.accessKeyId", admin.accessKeyId());
    System.setProperty("aws.secretAccessKey", admin.secretAccessKey());
  }

  @AfterEach
  void close() throws Exception {
    if (lab != null) {
      lab.close();
    }
    if (env != null) {
      env.close();
    }
  }

  private static final String VPC_QUOTA_FULL = "preflight: quota L-F678F1CE (VPCs per"
      + " Region) is too small for this lab: used 5, need 1, quota 5; request an increase to at"
      + " least 6 through Service Quotas (aws service-quotas request-service-quota-increase"
      + " --service-code vpc --quota-code L-F678F1CE --desired-value 6), or end other labs to"
      + " free 1";

  @Test
  void aLabOverTheVpcQuotaIsRefusedWithNothingCreated() throws Exception {
    fillTheVpcQuota();
    Map<String, List<String>> before = EmulatorInventory.take();
    lab = LabOnMoto.startAsWithPreflight(adminArn);

    ApplicationFailure cause = refusedWithNothingCreated(before, lab.startLab("lab-over",
        "read-only", Map.of("verifyMethod", "probe", "trustedPrincipalArn", adminArn,
            "verifyBudgetSeconds", 20)));

    assertThat(cause.getOriginalMessage()).isEqualTo(VPC_QUOTA_FULL);
  }

  /**
   * A stack step whose templateFile is named through a parameter counts its template's VPC as a
   * literal one does: before, the quota check read {@code templates/${params.template}} literally,
   * counted no VPC, passed, and the role step created its role before CreateStack failed.
   */
  @Test
  void aStackTemplateNamedByAParameterCountsAgainstTheQuotas() throws Exception {
    fillTheVpcQuota();
    Map<String, List<String>> before = EmulatorInventory.take();
    lab = LabOnMoto.startAsWithPreflight(adminArn);

    ApplicationFailure cause = refusedWithNothingCreated(before, lab.startInline("lab-param",
        LabOnMoto.roleThenParameterNamedStack("lab-environment.yaml"), Map.of()));

    assertThat(cause.getOriginalMessage()).isEqualTo(VPC_QUOTA_FULL);
  }

  /** Four VPCs beside the default one: the region's five. */
  private static void fillTheVpcQuota() {
    try (AwsClients aws = AwsClients.fromEnvironment()) {
      for (int i = 0; i < 4; i++) {
        aws.ec2().createVpc(b -> b.cidrBlock("10.9.0.0/16"));
      }
    }
  }

  /** The run's failure, once it ended FAILED {@code PreflightFailed} with nothing created. */
  private static ApplicationFailure refusedWithNothingCreated(
      Map<String, List<String>> before, LabWorkflow run) throws Exception {
    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(run).getResult(LabResult.class));

    assertThat(run.status().state()).isEqualTo(LabState.FAILED);
    assertThat(EmulatorInventory.take()).as("the complete inventory").isEqualTo(before);
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("PreflightFailed");
    return cause;
  }

  /** What a lab's stack takes of the quotas. */
  @ActivityInterface(namePrefix = "test.")
  public interface Share {
    void take(String labId);
  }

  /** Frees the lab's VPC and gateway, as its teardown does, then takes them afresh. */
  public static class AwsShare implements Share {
    @Override
    public void take(String labId) {
      try (AwsClients aws = AwsClients.fromEnvironment()) {
        var tagged = software.amazon.awssdk.services.ec2.model.Filter.builder()
            .name("tag:" + Tags.LAB_TAG).values(labId).build();
        aws.ec2().describeInternetGateways(b -> b.filters(tagged)).internetGateways()
            .forEach(g -> aws.ec2().deleteInternetGateway(b -> b.internetGatewayId(g.internetGatewayId())));
        aws.ec2().describeVpcs(b -> b.filters(tagged)).vpcs()
            .forEach(v -> aws.ec2().deleteVpc(b -> b.vpcId(v.vpcId())));
        var tag = software.amazon.awssdk.services.ec2.model.Tag.builder()
            .key(Tags.LAB_TAG).value(labId).build();
        aws.ec2().createVpc(b -> b.cidrBlock("10.1.0.0/16").tagSpecifications(
            t -> t.resourceType(ResourceType.VPC).tags(tag)));
        aws.ec2().createInternetGateway(b -> b.tagSpecifications(
            t -> t.resourceType(ResourceType.INTERNET_GATEWAY).tags(tag)));
      }
    }
  }

  /** A reset that takes the lab's share of the quotas. */
  public static class ShareReset implements LabResetWorkflow {
    @Override
    public ResetResult reset(RawValue raw) {
      String labId = (String) ((Map<?, ?>) RawJson.read(raw, "reset", 1 << 20)).get("labId");
      Workflow.newActivityStub(Share.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build()).take(labId);
      return new ResetResult(labId, "DELETED_BY_TAG", "nothing", null, "run", LabState.LIVE);
    }
  }

  /** The worker's quota plan; no other reset runs. */
  record Activities(FleetActivities real) implements FleetActivities {
    @Override
    public String runningReset(String labId) {
      return null;
    }

    @Override
    public FailedStep failedStep(String labId) {
      return new FailedStep(null, null);
    }

    @Override
    public NightPlan quotaPlan(String fleet, String definition, List<FleetLab> labs,
        boolean allOrNone) {
      return real.quotaPlan(fleet, definition, labs, allOrNone);
    }
  }

  @Test
  void aTenLabNightResetsTheLabsThatFitAndLeavesTheRestUntouchedNamingTheQuota() throws Exception {
    env = TestWorkflowEnvironment.newInstance();
    env.registerSearchAttribute("LabId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute("LabDefinition", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    Worker worker = env.newWorker("fleet");
    worker.registerWorkflowImplementationTypes(FleetResetWorkflowImpl.class, ShareReset.class);
    AwsClients clients = AwsClients.fromEnvironment();
    worker.registerActivitiesImplementations(new AwsShare(), new Activities(new FleetActivitiesImpl(
        env.getWorkflowClient(), 
            new QuotaPlanner(clients, Lab.definitionsDir()))));
    env.start();
    List<FleetLab> labs = IntStream.rangeClosed(1, 10)
        .mapToObj(i -> new FleetLab(String.format("q-%02d", i), null, Map.of())).toList();
    FleetRequest request = new FleetRequest("quota", "iam-service-role-lab", 3, 1, labs, Map.of(), null, null);

    FleetReport first = night(env.getWorkflowClient(), "night-1", request);
    FleetReport second = night(env.getWorkflowClient(), "night-2", request);
    clients.close();

    for (FleetReport night : List.of(first, second)) {
      assertThat(night.labs()).extracting(LabReport::outcome).containsExactly(
          LabReport.Outcome.OK, LabReport.Outcome.OK, LabReport.Outcome.OK, LabReport.Outcome.OK,
          LabReport.Outcome.OVER_QUOTA, LabReport.Outcome.OVER_QUOTA, LabReport.Outcome.OVER_QUOTA,
          LabReport.Outcome.OVER_QUOTA, LabReport.Outcome.OVER_QUOTA, LabReport.Outcome.OVER_QUOTA);
      assertThat(night.labs()).noneMatch(LabReport::quarantined)
          .allSatisfy(r -> assertThat(r.consecutiveFailures()).isZero());
    }
    // Night 1: the default VPC and nothing else; night 2: the four labs hold theirs, which their
    // resets free before taking them again.
    assertThat(first.quota()).startsWith("quota L-F678F1CE (VPCs per Region) is too small for the"
        + " 10 labs of fleet quota tonight: used 1, need 10, quota 5; request an increase to at"
        + " least 11 through Service Quotas");
    assertThat(first.quota()).endsWith("or lower the fleet to 4 labs");
    assertThat(second.quota()).contains("used 5, need 6, quota 5");
    assertThat(vpcsByLab()).as("the labs left out are untouched")
        .containsOnlyKeys("q-01", "q-02", "q-03", "q-04");
  }

  /**
   * A night of a definition whose stack step names its templateFile through a parameter counts the
   * template each lab's parameters name: before, the night read {@code templates/${params.template}}
   * literally, counted no VPC and let all five labs through, and each reset's preflight then
   * refused its lab, reported FAILED instead of over quota.
   */
  @Test
  void aNightCountsTheStackTemplateEachLabsParametersName(@TempDir Path dir) throws Exception {
    Lab.parameterisedTemplateDefinition(dir);
    List<FleetLab> labs = IntStream.rangeClosed(1, 5).mapToObj(i -> new FleetLab("p-" + i, null,
        Map.<String, Object>of("template", "env.yaml"))).toList();

    NightPlan plan;
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      plan = new QuotaPlanner(clients, dir).night("param", "param-template", labs, false);
    }

    assertThat(plan.leftOut()).containsExactly("p-5");
    assertThat(plan.reason()).startsWith("quota L-F678F1CE (VPCs per Region) is too small for the"
        + " 5 labs of fleet param tonight: used 1, need 5, quota 5;");
  }

  /**
   * The worker's site parameters name the template the labs' runs make (a VPC, where the
   * definition's default makes a topic): before, the night bound the labs without them, counted
   * no VPC and let all five through.
   */
  @Test
  void aNightCountsTheStackTemplateTheSiteParametersName(@TempDir Path dir) throws Exception {
    Lab.defaultedTemplateDefinition(dir);
    List<FleetLab> labs = IntStream.rangeClosed(1, 5)
        .mapToObj(i -> new FleetLab("s-" + i, null, Map.of())).toList();
    SiteParameters site = new SiteParameters(Map.of("template", "env.yaml"), "site");

    NightPlan plan;
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      plan = new QuotaPlanner(clients, dir, site).night("site", "param-default", labs, false);
    }

    assertThat(plan.leftOut()).containsExactly("s-5");
    assertThat(plan.reason()).contains("used 1, need 5, quota 5;");
  }

  @Test
  void planAndFleetValidateShowTheNeedAgainstTheAccountsQuotas() {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = io.labflow.worker.cli.Main.newCommandLine();
    cli.setOut(new java.io.PrintWriter(out, true));
    String definitions = Lab.definitionsDir().toString();

    int code = cli.execute("--definitions", definitions, "fleet", "validate", "--quotas",
        Lab.definitionsDir().resolve("fleets/iam-class.yaml").toString());

    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString()).contains("AWS quotas (30 labs):\n"
        + "  L-F678F1CE (VPCs per Region): used 1, need 30, quota 5: SHORT by 26\n"
        + "  L-A4707A72 (Internet gateways per Region): used 0, need 30, quota 5: SHORT by 25\n"
        + "  L-FE177D64 (Roles per account): used ");
  }

  private static FleetReport night(WorkflowClient client, String id, FleetRequest request) {
    return client.newWorkflowStub(FleetResetWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue("fleet").build())
        .run(RawJson.of(request));
  }

  private static Map<String, Integer> vpcsByLab() {
    Map<String, Integer> out = new TreeMap<>();
    try (AwsClients aws = AwsClients.fromEnvironment()) {
      aws.ec2().describeVpcs().vpcs().forEach(v -> v.tags().stream()
          .filter(t -> t.key().equals(Tags.LAB_TAG))
          .forEach(t -> out.merge(t.value(), 1, Integer::sum)));
    }
    return out;
  }
}
