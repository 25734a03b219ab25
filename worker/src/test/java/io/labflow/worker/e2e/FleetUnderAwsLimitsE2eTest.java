package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.fleet.FleetReport;
import io.labflow.worker.fleet.LabReport;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.workflows.lab.LabIds;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowExecutionMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet night of the real lab through AWS's limits in the local stack: quotas (raised so that
 * the six labs fit, with one VPC and one gateway to spare), AWS's API rate limits, and AWS's time
 * (stacks, instances and IAM taking AWS's durations, scaled down). Two nights: the first creates
 * the labs, the second resets them (each torn down, swept and created afresh).
 */
@ExtendWith(LocalStack.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetUnderAwsLimitsE2eTest {

  private static final String QUEUE = "e2e-limits";
  private static final String FLEET = "e2e-limits";
  private static final int LABS = 6;
  private static final int CONCURRENCY = 3;
  /**
   * Quotas: 6 labs and the default VPC, plus one to spare, of VPCs and internet gateways. Rates:
   * AWS's, with IAM's, CloudFormation's and EC2's reads scaled down as the fleet is (6 labs, not
   * 100), so that this night meets them as a class's night meets AWS's.
   */
  static final MotoProcess.Limits LIMITS = MotoProcess.Limits.NONE
      .withQuotas("default,L-F678F1CE=8,L-A4707A72=8")
      .withRates("default,iam=5/2,cloudformation=3/1,ec2.non-mutating=10/5,ec2.unfiltered=5/2")
      .withTimeScale("0.05");
  /** Kinds whose ids AWS makes anew on every create: after a reset none may be the old one. */
  private static final Set<String> FRESH_IDS = Set.of("vpcs", "instances", "subnets",
      "internetGateways", "routeTables", "securityGroups", "networkInterfaces", "volumes",
      "associations");

  private static LocalStack.Stack stack;
  private static EnforcedMoto moto;
  private static ManagedProcess worker;
  private static Map<String, String> env;

  @TempDir static Path dir;

  @BeforeAll
  static void setUp(LocalStack.Stack s) throws Exception {
    stack = s;
    FleetE2eTest.stackFor(s);
    moto = new EnforcedMoto(s.logDir(), "moto-limits", "labflow-worker", LIMITS);
    env = new LinkedHashMap<>(s.env(QUEUE));
    env.putAll(moto.awsEnv());
    env.put("LABFLOW_DEFINITIONS_DIR", Tools.repoRoot().resolve("definitions").toString());
    env.put("LABFLOW_SITE_PARAMETERS", "{\"verifyMethod\":\"probe\",\"trustedPrincipalArn\":\""
        + moto.adminArn + "\",\"verifyBudgetSeconds\":60}");
    worker = ManagedProcess.start("worker-limits", Jvm.command("worker", "--metrics-port", "-1"),
        env, s.logDir()).awaitLog("polling", Duration.ofSeconds(60));
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {worker, moto}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // Best effort at the end of the class.
      }
    }
  }

  @Test
  @Order(1)
  void sixLabsResetThroughQuotasRateLimitsAndAwsTimeAreAllLiveWithoutLeaksWithinTheBound()
      throws Exception {
    Path file = dir.resolve(FLEET + ".yaml");
    Files.writeString(file, "name: " + FLEET + "\ndefinition: iam-service-role-lab\n"
        + "labs: {prefix: lim-, count: " + LABS + "}\n"
        + "schedule:\n  cron: \"0 3 * * *\"\n  timeZone: UTC\n"
        + "concurrency: " + CONCURRENCY + "\nquarantineAfter: 3\n");
    Cli.Result applied = Cli.run(env, "fleet", "apply", file.toString());
    assertThat(applied.exitCode()).as(applied.all() + "\n" + worker.tail()).isZero();
    List<String> labs = FleetE2eTest.ids("lim-", LABS);

    FleetReport first = FleetE2eTest.night(env, FLEET, 1, worker);
    assertThat(first.labs()).as(worker.tail()).extracting(LabReport::outcome)
        .containsOnly(LabReport.Outcome.OK);
    Map<String, List<String>> created = inventory();

    Instant secondStarted = Instant.now();
    FleetReport second = FleetE2eTest.night(env, FLEET, 2, worker);
    // Every lab fits, so every lab is reset and LIVE: none failed on a throttled call.
    assertThat(second.labs()).extracting(LabReport::labId).containsExactlyElementsOf(labs);
    assertThat(second.labs()).as(worker.tail()).allSatisfy(r ->
        assertThat(r.outcome()).as(r.labId() + ": " + r.error()).isEqualTo(LabReport.Outcome.OK));
    for (String lab : labs) {
      assertThat(stack.client().newWorkflowStub(LabWorkflow.class, lab).status().state())
          .isEqualTo(LabState.LIVE);
    }
    // The rate limits were met: the emulator throttled requests, and the SDK rode them out.
    long throttled = throttled();
    System.out.println("fleet of " + LABS + " under AWS's limits: " + throttled + " requests throttled");
    assertThat(throttled).isPositive();

    // No leak by the complete inventory: one set per lab as after the first night, every
    // resource of the first night's labs replaced, none left beside the new ones.
    Map<String, List<String>> reset = inventory();
    assertThat(reset.keySet()).isEqualTo(created.keySet());
    for (String kind : created.keySet()) {
      assertThat(reset.get(kind)).as(kind).hasSameSizeAs(created.get(kind));
      assertThat(reset.get(kind).size() % LABS).as(kind + ": as many per lab").isZero();
      if (FRESH_IDS.contains(kind)) {
        Set<String> kept = new HashSet<>(reset.get(kind));
        kept.retainAll(created.get(kind));
        assertThat(kept).as(kind + " of the first night left behind").isEmpty();
      }
    }
    assertThat(reset.get("vpcs")).hasSize(LABS);

    // The fleet's bound held, from the resets' own histories on the server's clock.
    List<Instant[]> spans = new ArrayList<>();
    for (WorkflowExecutionMetadata m : stack.client().listExecutions("WorkflowType='"
        + LabResetWorkflow.TYPE + "' AND WorkflowId STARTS_WITH 'reset-lim-'").toList()) {
      List<HistoryEvent> events = stack.client()
          .fetchHistory(m.getExecution().getWorkflowId(), m.getExecution().getRunId()).getEvents();
      Instant start = instant(events.get(0));
      if (start.isAfter(secondStarted)) {
        spans.add(new Instant[] {start, instant(events.get(events.size() - 1))});
      }
    }
    assertThat(spans).hasSize(LABS);
    int max = FleetE2eTest.maxOverlap(spans);
    System.out.println("fleet of " + LABS + ", concurrency " + CONCURRENCY + ": at most " + max
        + " resets at once");
    assertThat(max).isLessThanOrEqualTo(CONCURRENCY).isGreaterThan(1);
  }

  /**
   * A stack takes AWS's time here, so a follow waits on it: before, `run` printed the stack step
   * RUNNING and then nothing until it was DONE (minutes on AWS), and `teardown` the same for the
   * stack's deletion; now each says what its step waits for, from the activity's heartbeat. After
   * the fleet's test, so that its inventory counts only its labs (the VPC quota has one to spare).
   */
  @Test
  @Order(2)
  void aFollowSaysWhatALongStepWaitsFor() {
    Cli.Result run = Cli.run(env, "run", "iam-service-role-lab", "--lab-id", "lim-follow");
    assertThat(run.exitCode()).as(run.all() + "\n" + worker.tail()).isZero();
    Cli.Result down = Cli.run(env, "teardown", "lim-follow");
    assertThat(down.exitCode()).as(down.all() + "\n" + worker.tail()).isZero();

    List<String> lines = run.out().lines().toList();
    int running = lines.indexOf("  RUNNING      create-stack (CreateStack)");
    int waiting = indexOf(lines, "  in progress  CreateStack: waiting for stack labflow-lim-follow"
        + " to be created (now CREATE_IN_PROGRESS): ");
    int done = indexOf(lines, "  DONE         create-stack (CreateStack) ");
    assertThat(running).as(run.out()).isNotNegative();
    assertThat(waiting).as(run.out()).isGreaterThan(running).isLessThan(done);
    assertThat(down.out()).as(down.out()).containsPattern(
        "\n  in progress  DeleteStack: [^\n]+\n(.*\n)*"
            + "  COMPENSATED  create-stack \\(CreateStack\\)");
  }

  /**
   * While a reset of one of the fleet's labs waits on AWS, {@code status} and {@code fleet status}
   * say what it waits for and as of when (before: the pending activity's name and attempt, and an
   * empty DETAIL). A reset that ends before both were read is started again.
   */
  @Test
  @Order(3)
  void statusAndFleetStatusSayWhatABusyLabWaitsFor() throws Exception {
    String lab = "lim-01";
    String busy = "(DeleteStack|CreateStack|AssociateInstanceProfile)( attempt \\d+)?: .+ \\(as of"
        + " \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)";
    String fleetSaid = null;
    String statusSaid = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while ((fleetSaid == null || statusSaid == null) && System.nanoTime() < deadline) {
      if (stack.client().newUntypedWorkflowStub(LabIds.resetId(lab)).describe().getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        Cli.Result reset = Cli.run(env, "fleet", "reset", FLEET, "--lab", lab);
        assertThat(reset.exitCode()).as(reset.all() + "\n" + worker.tail()).isZero();
      }
      fleetSaid = fleetSaid != null ? fleetSaid : first(Cli.run(env, "fleet", "status", FLEET),
          lab + " .* (TEARING_DOWN|PROVISIONING) +" + busy);
      statusSaid = statusSaid != null ? statusSaid : first(Cli.run(env, "status", lab),
          "  pending activity " + busy.replace("( attempt \\d+)?", " attempt \\d+"));
    }
    assertThat(fleetSaid).as("fleet status while the lab was busy").isNotNull();
    assertThat(statusSaid).as("status while the lab was busy").isNotNull();
    // Nothing of this class's runs outlives it: the reset ends before the worker stops.
    stack.client().newUntypedWorkflowStub(LabIds.resetId(lab))
        .getResult(3, TimeUnit.MINUTES, Object.class);
  }

  /**
   * {@code fleet reset --lab --wait} follows the reset: what it waits for as it changes, then how
   * it ended; one whose wait is over says it goes on, and exits 1.
   */
  @Test
  @Order(4)
  void aResetOfOneLabIsFollowedUntilItEnds() throws Exception {
    String lab = "lim-02";
    Cli.Result cut = Cli.run(env, "fleet", "reset", FLEET, "--lab", lab, "--wait", "2s");
    assertThat(cut.exitCode()).as(cut.all()).isEqualTo(1);
    assertThat(cut.out()).as(cut.all()).contains("Started reset-lim-02: lab lim-02 is torn down"
        + " and provisioned afresh", "Following reset-lim-02 until it ends (at most 2s; it goes on"
        + " after that)", "Reset reset-lim-02 still runs after 2s; it goes on (labflow status"
        + " lim-02)");
    stack.client().newUntypedWorkflowStub(LabIds.resetId(lab))
        .getResult(3, TimeUnit.MINUTES, Object.class);
    Cli.Result followed = Cli.run(env, "fleet", "reset", FLEET, "--lab", lab, "--wait", "4m");
    assertThat(followed.exitCode()).as(followed.all() + "\n" + worker.tail()).isZero();
    List<String> lines = followed.out().lines().toList();
    // What it waits for: the lab's own steps (its teardown, then its provisioning) or the
    // reset's (the sweep), each as fleet status says it; the stack's waits last several polls.
    assertThat(lines).as(followed.all()).anyMatch(l -> l.matches("  [A-Z][A-Za-z]+ attempt \\d+.*"))
        .anyMatch(l -> l.matches("  CreateStack attempt \\d+: waiting for stack .*"));
    assertThat(lines.get(lines.size() - 1)).as(followed.all()).matches("Reset reset-lim-02"
        + " completed: lab lim-02 is LIVE \\(run [-0-9a-f]+\\); its run [-0-9a-f]+ was torn down"
        + " first \\(TORN_DOWN\\(TORN_DOWN\\)\\+SWEPT; deleted by the lab's tag: nothing\\)");
  }

  /** The first line of the command's output that matches {@code regex}; null when none does. */
  private static String first(Cli.Result r, String regex) {
    assertThat(r.exitCode()).as(r.all()).isZero();
    return r.out().lines().filter(l -> l.matches(regex)).findFirst().orElse(null);
  }

  private static int indexOf(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().map(lines::indexOf)
        .orElse(-1);
  }

  private static Instant instant(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }

  /** Kind -> ids: scripts/lib/moto_inventory.py, everything a lab can create, tagged or not. */
  private static Map<String, List<String>> inventory() throws Exception {
    Map<String, String> aws = new LinkedHashMap<>(moto.awsEnv());
    aws.put("AWS_DEFAULT_REGION", MotoProcess.REGION);
    Cli.Result r = Cli.exec(List.of(Tools.tool("python").toString(),
        Tools.repoRoot().resolve("scripts/lib/moto_inventory.py").toString(), "--json"), aws);
    assertThat(r.exitCode()).as(r.all()).isZero();
    Map<String, List<String>> all = new ObjectMapper().readValue(r.out(), new TypeReference<>() {});
    all.values().removeIf(List::isEmpty);
    return all;
  }

  /** How many requests the emulator's rate limits have answered with a throttling error. */
  private static long throttled() throws Exception {
    return moto.moto().throttled().values().stream().mapToLong(Integer::longValue).sum();
  }
}
