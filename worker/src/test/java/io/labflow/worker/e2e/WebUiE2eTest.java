package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.fleet.FleetResetWorkflow;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The Temporal Web UI (the dev server's, 2.54) as an operator reads it and acts in it, in Debian's
 * chromium driven by puppeteer-core ({@code scripts/lib/ui/ui_check.js}): the workflow list with
 * the lab's search attributes as columns and a saved view of paused labs, a live and a paused lab's
 * User Metadata, a refused input's and an unfinished sweep's Result panels as sentences without a
 * Java stack trace, a fleet night's morning report; then a lab started with the Start Workflow
 * form going LIVE, and the paused lab resumed with the Update form finishing. The screenshots and each
 * page's text are kept in {@code worker/target/e2e-logs/.../web-ui} for a person to look at.
 */
@ExtendWith(LocalStack.class)
@Tag("e2e")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WebUiE2eTest {

  /** The checks ui_check.js makes with every option given; each prints one "ok" line. */
  static final int CHECKS = 29;

  @Test
  void anOperatorReadsLabsTheirStatesAndFailuresAsSentencesInTheWebUi(LocalStack.Stack stack)
      throws Exception {
    String queue = "e2e-web-ui";
    Map<String, String> env = stack.env(queue);
    ManagedProcess worker = stack.startWorker("worker-web-ui", queue)
        .awaitLog("polling", Duration.ofSeconds(60));

    Cli.Result live = Cli.run(env, "run", Labs.file("iam-mini").toString(), "--lab-id", "ui-live");
    assertThat(live.exitCode()).as(live.all()).isZero();
    Cli.Result paused = Cli.run(env, "run", Labs.file("pause-lab").toString(), "--lab-id",
        "ui-paused", "-p", "policyName=ui-paused-policy");
    assertThat(paused.exitCode()).as(paused.all()).isEqualTo(3);
    // The operator fixes the cause; the lab stays paused until resumed (in the browser, below).
    stack.iam().client().createPolicy(b -> b.policyName("ui-paused-policy").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "\"s3:ListBucket\",\"Resource\":\"*\"}]}"));
    Labs.startRefused(stack.client(), "ui-typo", queue);
    Path fleet = Files.createTempFile("ui-class", ".yaml");
    Files.writeString(fleet, "name: ui-class\ndefinition: iam-mini\nlabs: [ui-fl-01]\n"
        + "schedule:\n  cron: \"0 3 * * *\"\n");
    assertThat(Cli.run(env, "fleet", "apply", fleet.toString()).exitCode()).isZero();
    FleetE2eTest.night(stack.client(), env, "ui-class", 1, worker);
    String night = stack.client()
        .listExecutions("WorkflowType='" + FleetResetWorkflow.TYPE + "'")
        .map(e -> e.getExecution().getWorkflowId())
        .filter(id -> id.startsWith("fleet-ui-class")).findFirst().orElseThrow();
    // A sweep that cannot finish: a VPC of the lab holding a subnet that is not the lab's.
    try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(stack.motoEndpoint()))
        .region(Region.of(MotoProcess.REGION)).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MotoProcess.ACCESS_KEY, MotoProcess.SECRET_KEY))).build()) {
      String vpc = ec2.createVpc(b -> b.cidrBlock("10.79.0.0/16").tagSpecifications(t -> t
          .resourceType(ResourceType.VPC).tags(g -> g.key("labflow:lab").value("ui-gone"),
              g -> g.key("labflow:namespace").value("default")))).vpc().vpcId();
      ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.79.1.0/24"));
    }
    Cli.Result blocked = Cli.run(env, "leaks", "--sweep", "ui-gone", "--wait", "2m");
    assertThat(blocked.exitCode()).as(blocked.all()).isEqualTo(1);

    Path shots = stack.logDir().resolve("web-ui");
    Path root = Tools.repoRoot();
    Cli.Result checked = Cli.exec(List.of("node", root.resolve("scripts/lib/ui/ui_check.js").toString(),
        stack.uiUrl(), shots.toString(), "--lab", "ui-live", "--paused", "ui-paused",
        "--rejected", "ui-typo", "--fleet", night, "--reset", "reset-ui-gone",
        "--start", "ui-started", "--queue", queue,
        "--input", "{\"definition\":\"iam-mini\",\"labId\":\"ui-started\"}",
        "--resume", "ui-paused"),
        Map.of("NODE_PATH", root.resolve(".labflow/ui/node_modules").toString()));
    System.out.println(checked.all());
    assertThat(checked.exitCode()).as(checked.all()).isZero();
    assertThat(checked.out().lines().filter(l -> l.startsWith("ok ")))
        .as(checked.all()).hasSize(CHECKS);
    assertThat(shots.resolve("reset.png")).isNotEmptyFile();
    // What the two forms did: the lab the form started is LIVE; the resumed lab ran its step again
    // and finished (pause-lab has no live time).
    assertThat(awaitSettled(stack, "ui-started").state()).as(worker.tail()).isEqualTo(LabState.LIVE);
    LabStatus resumed = awaitSettled(stack, "ui-paused");
    assertThat(resumed.state()).as(resumed.lastError()).isEqualTo(LabState.COMPLETED);
    assertThat(resumed.steps()).extracting(StepStatus::state)
        .containsExactly(StepState.DONE, StepState.DONE);
  }

  /** The lab's status once it is LIVE or ended (at most a minute). */
  static LabStatus awaitSettled(LocalStack.Stack stack, String labId) throws InterruptedException {
    LabWorkflow lab = stack.client().newWorkflowStub(LabWorkflow.class, labId);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    LabStatus status = lab.status();
    while (status.state() != LabState.LIVE && !status.state().isFinal()
        && System.nanoTime() < deadline) {
      Thread.sleep(250);
      status = lab.status();
    }
    return status;
  }
}
