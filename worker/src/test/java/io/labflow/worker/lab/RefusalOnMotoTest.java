package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * An untagged look-alike role: CreateRole is refused NotOwned, DeleteRole's undo refuses it too.
 * Nothing of the lab's own is left, so the lab reads "refused ... everything created was undone"
 * and ends ROLLED_BACK, and the look-alike is intact.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class RefusalOnMotoTest {

  @AutoClose LabOnMoto moto;

  @Test
  void aLookAlikeRoleIsARefusalWithEverythingUndoneNotAFailedRollback() throws Exception {
    moto = LabOnMoto.start();
    moto.clients.iam().createRole(b -> b.roleName("labflow-lab-ref-role")
        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
            + "\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":"
            + "\"sts:AssumeRole\"}]}"));

    LabWorkflow lab = moto.startLab("lab-ref", "read-only");
    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    assertThat(failed).isNotNull();
    String summary = ((ApplicationFailure) failed.getCause()).getOriginalMessage();
    assertThat(summary)
        .startsWith("step 'create-role' (CreateRole) refused: NotOwned: role labflow-lab-ref-role"
            + " exists but was not created by this run of lab lab-ref")
        .endsWith("; everything created was undone (rolled back: create-stack; nothing to undo:"
            + " create-role)")
        .doesNotContain("could not roll back");
    assertThat(lab.status().state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(EmulatorInventory.take()).containsOnlyKeys("roles");
    assertThat(EmulatorInventory.take().get("roles")).containsExactly("labflow-lab-ref-role");
  }
}
