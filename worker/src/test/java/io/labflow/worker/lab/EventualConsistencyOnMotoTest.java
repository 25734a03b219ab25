package io.labflow.worker.lab;

import static io.labflow.worker.lab.LabOnMoto.STEPS;
import static io.labflow.worker.lab.LabOnMoto.step;
import static io.labflow.worker.lab.WholeLabOnMotoTest.allowed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The whole real lab ({@code definitions/iam-service-role-lab.yaml}: provision read-only, verify
 * nothing is allowed before the policy, verify read-only, switch to read-write, verify, tear down)
 * through a {@link FaultyAwsProxy} that makes moto behave like real AWS: throttling and 503s, and
 * every propagation delay the lab meets (a new instance profile unknown to EC2, a new role not
 * assumable, a new policy and a new policy version not in effect, stacks in progress). The lab
 * must end TORN_DOWN with exactly one of each resource created (moto's 2xx answers counted at the
 * proxy), nothing left, within the lab's propagation budgets.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class EventualConsistencyOnMotoTest {

  static final String LAB = "lab-ec";
  static final FaultyAwsProxy.Lags LAGS =
      new FaultyAwsProxy.Lags(
          Duration.ofSeconds(6), // instance profile -> AssociateIamInstanceProfile
          Duration.ofSeconds(8), // role -> AssumeRole
          Duration.ofSeconds(15), // attached policy -> S3 as the role
          // As long as the attached policy's: the time from CreatePolicyVersion to the first probe
          // (its lost answer retried, the old version deleted, a workflow task, AssumeRole, List,
          // Get) reached 8 s on CI, so a shorter lag was sometimes over before the lab looked.
          Duration.ofSeconds(15), // new policy version -> S3 PutObject as the role
          Duration.ofSeconds(12), // CreateStack -> CREATE_IN_PROGRESS
          Duration.ofSeconds(8)); // DeleteStack -> DELETE_IN_PROGRESS

  static final int VERIFY_BUDGET_SECONDS = 40;

  LabOnMoto moto;
  FaultyAwsProxy proxy;

  @AfterEach
  void close() {
    if (moto != null) {
      moto.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void theWholeLabCopesWithThrottlingErrorsAndPropagationDelays() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    proxy = new FaultyAwsProxy(MotoServer.endpoint(), LAGS, 0.08, 0.04);
    System.setProperty("aws.endpointUrl", proxy.endpoint());
    moto = LabOnMoto.startAs(admin);

    long t0 = System.nanoTime();
    // A budget the lags fit in with room: the last attempt starts up to one backoff (10 s) and one
    // attempt (a few seconds under throttling) before the budget ends.
    LabWorkflow lab = moto.startLab(LAB, "read-only", Map.of("verifyMethod", "probe",
        "trustedPrincipalArn", admin, "verifyBudgetSeconds", VERIFY_BUDGET_SECONDS));
    LabStatus live = LabOnMoto.awaitLive(lab);
    double provisioned = seconds(t0);
    assertThat(live.steps()).extracting(s -> s.id() + ":" + s.state())
        .containsExactlyElementsOf(STEPS.stream().map(s -> s.id() + ":DONE").toList());
    assertThat(allowed(step(live, "verify-no-access").outputs())).containsOnly(
        entry("s3:ListBucket", false), entry("s3:GetObject", false), entry("s3:PutObject", false));
    assertThat(allowed(step(live, "verify-access").outputs())).containsOnly(
        entry("s3:ListBucket", true), entry("s3:GetObject", true), entry("s3:PutObject", false));

    long t1 = System.nanoTime();
    LabStatus switched = lab.switchVariant(RawJson.of("read-write"));
    double switchTook = seconds(t1);
    assertThat(switched.state()).as("last error: %s", switched.lastError()).isEqualTo(LabState.LIVE);
    assertThat(step(switched, "verify-after-switch").state()).isEqualTo(StepState.DONE);
    assertThat(allowed(step(switched, "verify-after-switch").outputs())).containsOnly(
        entry("s3:ListBucket", true), entry("s3:GetObject", true), entry("s3:PutObject", true));

    long t2 = System.nanoTime();
    lab.teardown(null);
    LabResult result = WorkflowStub.fromTyped(lab).getResult(LabResult.class);
    double tornDown = seconds(t2);
    assertThat(result.state()).isEqualTo(LabState.TORN_DOWN);

    Map<String, Integer> faults = proxy.injected();
    System.out.printf("eventual consistency run: provisioned in %.1f s, switched in %.1f s,"
        + " torn down in %.1f s; faults injected: %s%n", provisioned, switchTook, tornDown, faults);

    // Every kind of fault happened, so the lab really went through each of them.
    assertThat(faults).containsEntry("answer-lost", 4);
    assertThat(faults).containsKeys("throttled", "unavailable", "profile-not-yet-visible",
        "role-not-yet-assumable", "policy-not-yet-in-effect", "policy-version-not-yet-in-effect",
        "stack-create-in-progress", "stack-delete-in-progress");
    // Exactly one of each resource: the creates moto answered with 2xx.
    for (String create : List.of("CreateStack", "CreateRole", "CreatePolicy", "AttachRolePolicy",
        "CreateInstanceProfile", "AddRoleToInstanceProfile", "AssociateIamInstanceProfile",
        "CreatePolicyVersion", "DeleteStack", "DeleteRole", "DeletePolicy", "DetachRolePolicy",
        "DeleteInstanceProfile", "DisassociateIamInstanceProfile")) {
      assertThat(proxy.succeeded(create)).as("%s answered 2xx", create).isEqualTo(1);
    }
    // Propagation budgets: each verification and the association finished within its own budget
    // (40 s verification, 2 min association) rather than by a Temporal retry of the step.
    for (String id : List.of("verify-no-access", "verify-access", "associate-profile")) {
      assertThat(step(live, id).attempt()).as("attempt of %s", id).isEqualTo(1);
    }

    // The inventory asks moto itself, as the administrator.
    System.setProperty("aws.endpointUrl", MotoServer.endpoint());
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
    assertThat(LabOnMoto.tagged(LAB).noneTagged()).isTrue();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
