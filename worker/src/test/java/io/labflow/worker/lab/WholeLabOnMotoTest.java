package io.labflow.worker.lab;

import static io.labflow.worker.lab.LabOnMoto.STEPS;
import static io.labflow.worker.lab.LabOnMoto.step;
import static io.labflow.workflows.testing.Failures.rootApplicationFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@code definitions/iam-service-role-lab.yaml} end to end through the real interpreter and the
 * real step library on moto with IAM enforced: provision read-only, verify, switch to read-write
 * (only a new policy version, nothing recreated), verify again, tear down, and nothing is left.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class WholeLabOnMotoTest {

  static final String LAB = "lab-042";
  static final String PREFIX = "labflow-" + LAB;

  @AutoClose LabOnMoto moto;

  @Test
  void provisionVerifySwitchVariantTearDownLeavesNothing() throws Exception {
    moto = LabOnMoto.start();
    LabWorkflow lab = moto.startLab(LAB, "read-only");

    // Provisioning: every step DONE, the lab LIVE, exactly one create of each resource.
    LabStatus live = LabOnMoto.awaitLive(lab);
    assertThat(live.variant()).isEqualTo("read-only");
    assertThat(live.steps())
        .extracting(StepStatus::id)
        .containsExactlyElementsOf(STEPS.stream().map(LabOnMoto.LabStep::id).toList());
    assertThat(live.steps()).allSatisfy(s -> assertThat(s.state()).isEqualTo(StepState.DONE));
    assertThat(LabOnMoto.stateAttribute(lab)).isEqualTo("LIVE");
    // The inventory sees every kind of resource the lab makes, so its emptiness below means something.
    assertThat(EmulatorInventory.take())
        .containsOnlyKeys(
            "stacks", "instances", "vpcs", "buckets", "roles", "policies", "instanceProfiles",
            "subnets", "internetGateways", "routeTables", "securityGroups", "networkInterfaces",
            "associations", "policyVersions");
    System.out.println("emulator inventory while live: " + EmulatorInventory.counts());
    assertThat(moto.operations.since(0, "Create")).containsExactlyInAnyOrderElementsOf(LabOnMoto.CREATES);
    assertThat(moto.calls.count("Iam", "AttachRolePolicy")).isEqualTo(1);
    assertThat(moto.calls.count("Iam", "AddRoleToInstanceProfile")).isEqualTo(1);
    assertThat(moto.calls.count("Ec2", "AssociateIamInstanceProfile")).isEqualTo(1);

    // Before the policy is attached the role can do nothing (the tutorial's first check).
    Map<String, Object> none = step(live, "verify-no-access").outputs();
    assertThat(none).containsEntry("matches", true).containsEntry("method", "probe");
    assertThat(allowed(none)).containsOnly(
        entry("s3:ListBucket", false), entry("s3:GetObject", false), entry("s3:PutObject", false));

    // Verification read-only: list and get allowed, put denied.
    Map<String, Object> verify = step(live, "verify-access").outputs();
    assertThat(verify).containsEntry("matches", true).containsEntry("method", "probe");
    assertThat(allowed(verify)).containsOnly(
        entry("s3:ListBucket", true), entry("s3:GetObject", true), entry("s3:PutObject", false));

    String stackName = PREFIX;
    String roleName = PREFIX + "-role";
    Map<String, Object> stack = step(live, "create-stack").outputs();
    Map<String, Object> policy = step(live, "create-policy").outputs();
    String policyArn = (String) policy.get("policyArn");
    String stackId = moto.clients.cloudFormation()
        .describeStacks(b -> b.stackName(stackName)).stacks().get(0).stackId();
    assertThat(stack.get("stackId")).isEqualTo(stackId);
    String roleId = moto.clients.iam().getRole(b -> b.roleName(roleName)).role().roleId();
    String firstVersion = (String) policy.get("defaultVersionId");
    assertThat(defaultVersion(policyArn)).isEqualTo(firstVersion);

    // Switch to read-write: one new policy version, and nothing else created.
    int mark = moto.operations.size();
    moto.calls.reset();
    LabStatus switched = lab.switchVariant(RawJson.of("read-write"));

    assertThat(switched.state()).isEqualTo(LabState.LIVE);
    assertThat(switched.variant()).isEqualTo("read-write");
    assertThat(step(switched, "update-policy").state()).isEqualTo(StepState.DONE);
    assertThat(step(switched, "verify-after-switch").state()).isEqualTo(StepState.DONE);
    Map<String, Object> update = step(switched, "update-policy").outputs();
    assertThat(update).containsEntry("created", true).containsEntry("policyArn", policyArn);
    assertThat(update.get("versionId")).isNotEqualTo(firstVersion);
    assertThat(defaultVersion(policyArn)).isEqualTo(update.get("versionId"));
    Map<String, Object> reverify = step(switched, "verify-after-switch").outputs();
    assertThat(reverify).containsEntry("matches", true);
    assertThat(allowed(reverify)).containsOnly(
        entry("s3:ListBucket", true), entry("s3:GetObject", true), entry("s3:PutObject", true));
    assertThat(moto.operations.since(mark, "Create")).containsExactly("Iam.CreatePolicyVersion");
    assertThat(moto.calls.count("Iam", "CreatePolicyVersion")).isEqualTo(1);
    assertThat(moto.calls.count("CloudFormation", "CreateStack")).isZero();
    assertThat(moto.calls.count("Iam", "CreateRole")).isZero();
    assertThat(moto.calls.count("Iam", "CreatePolicy")).isZero();
    assertThat(moto.calls.count("Iam", "CreateInstanceProfile")).isZero();
    assertThat(moto.operations.since(mark, "Associate")).isEmpty();
    // The probe deletes the objects it wrote; nothing else may be deleted by a switch.
    assertThat(moto.operations.since(mark, "Delete")).containsOnly("S3.DeleteObject");
    assertThat(moto.clients.cloudFormation()
        .describeStacks(b -> b.stackName(stackName)).stacks().get(0).stackId()).isEqualTo(stackId);
    assertThat(moto.clients.iam().getRole(b -> b.roleName(roleName)).role().roleId())
        .isEqualTo(roleId);
    assertThat(LabOnMoto.stateAttribute(lab)).isEqualTo("LIVE");

    // Teardown: every compensation once, newest first; the run ends TORN_DOWN.
    int before = moto.interceptor.attempts().size();
    LabStatus torn = lab.teardown(null);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(torn.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(LabOnMoto.stateAttribute(lab)).isEqualTo("TORN_DOWN");
    List<String> undos = new ArrayList<>();
    for (int i = STEPS.size() - 1; i >= 0; i--) {
      if (STEPS.get(i).undo() != null) {
        undos.add(STEPS.get(i).undo());
      }
    }
    List<String> ran = moto.interceptor.attempts();
    assertThat(ran.subList(before, ran.size())).containsExactlyElementsOf(undos);
    for (LabOnMoto.LabStep s : STEPS) {
      assertThat(step(statusOf(result), s.id()).state())
          .as("step %s", s.id())
          .isEqualTo(s.undo() == null ? StepState.DONE : StepState.COMPENSATED);
    }

    System.out.println("emulator inventory after teardown: " + EmulatorInventory.counts());
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
    assertThat(moto.listAllDescribeStacks.get()).as("list-all DescribeStacks calls").isZero();
  }

  @Test
  void failedVariantSwitchRollsBackTheWholeLab() throws Exception {
    LabWorkflow lab = liveLab();
    // The new version really gets written, then the step fails: DeletePolicy must remove it too.
    moto.interceptor.inject(new StepInterceptor.Fault("CreatePolicyVersion", true));

    Throwable updateFailure = catchThrowable(() -> lab.switchVariant(RawJson.of("read-write")));
    WorkflowFailedException failed =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    String summary =
        "step 'update-policy' (CreatePolicyVersion) failed: InjectedFailure: injected after the"
            + " real CreatePolicyVersion; rolled back: associate-profile, create-instance-profile,"
            + " attach-policy, create-policy, create-role, create-stack; could not roll back: none";
    assertThat(updateFailure).as("the switch update fails").isNotNull();
    assertThat(rootApplicationFailure(updateFailure).getOriginalMessage()).isEqualTo(summary);
    assertThat(failed).as("the lab fails").isNotNull();
    assertThat(rootApplicationFailure(failed).getType()).isEqualTo("LabFailed");
    assertThat(rootApplicationFailure(failed).getOriginalMessage()).isEqualTo(summary);
    LabStatus status = lab.status();
    assertThat(status.state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(step(status, "update-policy").state()).isEqualTo(StepState.FAILED);
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
  }

  @Test
  void keepAliveExpiryTearsTheLabDown() throws Exception {
    LabWorkflow lab = liveLab();
    long before = moto.env.currentTimeMillis();

    // Waiting for the result lets the test server skip the 24h keep-alive.
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);

    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(Duration.ofMillis(moto.env.currentTimeMillis() - before))
        .isGreaterThanOrEqualTo(Duration.ofHours(24));
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
  }

  @Test
  void cancellingALiveLabRollsItBack() throws Exception {
    LabWorkflow lab = liveLab();
    int before = moto.interceptor.attempts().size();

    WorkflowStub.fromTyped(lab).cancel();
    WorkflowFailedException failed =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    assertThat(failed).as("a cancelled lab ends cancelled").isNotNull();
    assertThat(failed.getCause()).isInstanceOf(CanceledFailure.class);
    assertThat(lab.status().state()).isEqualTo(LabState.ROLLED_BACK);
    List<String> ran = moto.interceptor.attempts();
    assertThat(ran.subList(before, ran.size()))
        .containsExactly(
            "DisassociateInstanceProfile",
            "DeleteInstanceProfile",
            "DetachRolePolicy",
            "DeletePolicy",
            "DeleteRole",
            "DeleteStack");
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
  }

  /** The lab started read-only on a fresh moto and LIVE. */
  private LabWorkflow liveLab() throws Exception {
    moto = LabOnMoto.start();
    LabWorkflow lab = moto.startLab(LAB, "read-only");
    LabOnMoto.awaitLive(lab);
    return lab;
  }

  private static LabStatus statusOf(LabResult r) {
    return new LabStatus(r.labId(), null, null, r.state(), r.steps(), null, null, null, null,
        List.of(), null);
  }

  private String defaultVersion(String policyArn) {
    return moto.clients.iam().getPolicy(b -> b.policyArn(policyArn)).policy().defaultVersionId();
  }

  /** The verification matrix as action -> allowed, in matrix order. */
  @SuppressWarnings("unchecked")
  static Map<String, Boolean> allowed(Map<String, Object> verifyOutputs) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (Object cell : (List<Object>) verifyOutputs.get("matrix")) {
      Map<String, Object> c = (Map<String, Object>) cell;
      out.put((String) c.get("action"), (Boolean) c.get("allowed"));
    }
    return out;
  }
}
