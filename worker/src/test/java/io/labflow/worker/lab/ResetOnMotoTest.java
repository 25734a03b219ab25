package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.worker.reset.LabResetWorkflow;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.worker.reset.ResetResult;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.failure.v1.Failure;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The nightly reset of the real lab on moto: a broken stack of another lab does not break it, and
 * a sweep that cannot finish says what blocks it and that the lab is down.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class ResetOnMotoTest {

  @AutoClose LabOnMoto moto;

  private ResetResult reset(String labId) {
    LabResetWorkflow reset =
        moto.client.newWorkflowStub(
            LabResetWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("reset-" + labId)
                .setTaskQueue(LabOnMoto.TASK_QUEUE)
                .build());
    return reset.reset(RawJson.of(
        new ResetRequest(
            labId,
            LabOnMoto.DEFINITION,
            "read-only",
            Map.of(
                "verifyMethod", "probe",
                "trustedPrincipalArn", moto.adminArn,
                "verifyBudgetSeconds", 20))));
  }

  @Test
  void aFailedStackOfAnotherLabDoesNotBreakTheReset() throws Exception {
    moto = LabOnMoto.start();
    LabWorkflow live = moto.startLab("lab-live", "read-only");
    LabOnMoto.awaitLive(live);
    // Another lab's stack whose creation failed: its bucket name is taken by an untagged
    // look-alike, so it rolled back (on moto, such a stack used to stay CREATE_IN_PROGRESS and
    // make every list-all DescribeStacks answer 500).
    var cfn = moto.clients.cloudFormation();
    moto.clients.s3().createBucket(b -> b.bucket("labflow-lab-broken"));
    String body = Files.readString(Lab.definitionsDir().resolve("templates/lab-environment.yaml"));
    cfn.createStack(b -> b.stackName("labflow-lab-broken").templateBody(body)
        .parameters(p -> p.parameterKey("LabId").parameterValue("lab-broken"),
            p -> p.parameterKey("LabNamespace").parameterValue(moto.env.getNamespace()),
            p -> p.parameterKey("LabRun").parameterValue(""),
            p -> p.parameterKey("BucketName").parameterValue("labflow-lab-broken"))
        .tags(t -> t.key("labflow:lab").value("lab-broken"),
            t -> t.key("labflow:namespace").value(moto.env.getNamespace())));
    assertThat(cfn.describeStacks(b -> b.stackName("labflow-lab-broken")).stacks().get(0)
        .stackStatusAsString()).isEqualTo("ROLLBACK_COMPLETE");
    moto.listAllDescribeStacks.set(0);

    ResetResult result = reset("lab-live");

    assertThat(result.state()).isEqualTo(LabState.LIVE);
    assertThat(result.cleanup()).isEqualTo("TORN_DOWN(TORN_DOWN)+SWEPT");
    assertThat(result.sweptByTag()).isEqualTo("nothing");
    assertThat(result.newRunId()).isNotEqualTo(result.previousRunId());
    assertThat(moto.listAllDescribeStacks.get()).as("list-all DescribeStacks calls").isZero();
    // The broken stack is its own lab's business: untouched.
    assertThat(cfn.describeStacks(b -> b.stackName("labflow-lab-broken")).stacks().get(0)
        .stackStatusAsString()).isEqualTo("ROLLBACK_COMPLETE");
    assertThat(LabOnMoto.tagged("lab-live").get(ResourceKind.STACKS)).containsExactly("labflow-lab-live");
  }

  @Test
  void aSweepThatCannotFinishSaysWhatBlocksItAndThatTheLabIsDown() throws Exception {
    moto = LabOnMoto.start();
    var ec2 = moto.clients.ec2();
    // A tagged VPC holding a subnet labflow does not own: the VPC cannot be deleted.
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.7.0.0/16").tagSpecifications(
        TagSpecification.builder().resourceType(ResourceType.VPC)
            .tags(Tag.builder().key("labflow:lab").value("lab-blk").build(),
                Tag.builder().key("labflow:namespace").value(moto.env.getNamespace()).build())
            .build()))
        .vpc().vpcId();
    ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.7.1.0/24"));

    WorkflowFailedException failed =
        catchThrowableOfType(WorkflowFailedException.class, () -> reset("lab-blk"));

    assertThat(failed).isNotNull();
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("ResetIncomplete");
    assertThat(cause.getOriginalMessage())
        .contains("no fresh lab was started")
        .contains("no run of the lab was open, so it was already down")
        .contains("Blocked by: VPC " + vpc + ": ")
        .contains("DependencyViolation")
        .contains("vpcs=[" + vpc + "]");
    // What the Web UI's Result panel shows: the sentences, down to the AWS error, no stack trace.
    Failure shown = moto.client.fetchHistory("reset-lab-blk").getLastEvent()
        .getWorkflowExecutionFailedEventAttributes().getFailure();
    assertThat(shown.getMessage()).isEqualTo(cause.getOriginalMessage());
    for (Failure f = shown; f != null; f = f.hasCause() ? f.getCause() : null) {
      assertThat(f.getStackTrace()).as(f.getMessage()).isEmpty();
    }
  }

  /**
   * The worker may not delete the lab's role (a permissions boundary or an SCP; here an explicit
   * deny): the teardown and the sweep delete everything else, and the reset's failure names the
   * refused role once, says the lab is down and that only the role is still there.
   */
  @Test
  void aRoleAwsRefusesToDeleteIsNamedAndAllElseOfTheLabIsGone() throws Exception {
    moto = LabOnMoto.start();
    LabOnMoto.awaitLive(moto.startLab("lab-deny", "read-only"));
    moto.clients.iam().putUserPolicy(b -> b.userName("labflow-admin").policyName("scp")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Action\":\"iam:DeleteRole\",\"Resource\":\"*\"}]}"));

    WorkflowFailedException failed =
        catchThrowableOfType(WorkflowFailedException.class, () -> reset("lab-deny"));

    assertThat(failed).isNotNull();
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("ResetIncomplete");
    String role = "role labflow-lab-deny-role: Iam DeleteRole failed: AccessDenied";
    assertThat(cause.getOriginalMessage())
        .contains("no fresh lab was started")
        .contains("so the lab is DOWN")
        .contains("Blocked by: " + role)
        .contains("Still there: roles=[labflow-lab-deny-role]. Remove or fix these");
    assertThat(cause.getOriginalMessage().split(role, -1)).as("the role named once").hasSize(2);
    assertThat(LabOnMoto.tagged("lab-deny").listing()).isEqualTo("roles=[labflow-lab-deny-role]");
  }
}
