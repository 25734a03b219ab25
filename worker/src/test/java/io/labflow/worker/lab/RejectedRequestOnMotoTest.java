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
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Bad parameters for the real lab are refused with every problem named, before any AWS call. */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class RejectedRequestOnMotoTest {

  @AutoClose LabOnMoto moto;

  @Test
  void badParametersFailBeforeAnythingIsCreated() throws Exception {
    moto = LabOnMoto.start();

    LabWorkflow lab =
        moto.startLab(
            "lab-bad",
            "read-write-everything",
            Map.of("verifyMethod", "guess", "bucketPrefix", "Not_A_Bucket", "verifyBudget", 5));
    WorkflowFailedException failed =
        catchThrowableOfType(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    assertThat(failed).isNotNull();
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("InvalidRequest");
    assertThat(cause.getOriginalMessage())
        .contains("read-write-everything")
        .contains("verifyMethod")
        .contains("bucketPrefix")
        .contains("verifyBudget")
        .doesNotContain("Exception");
    assertThat(lab.status().state()).isEqualTo(LabState.FAILED);
    assertThat(moto.operations.size()).as("AWS calls made").isZero();
    assertThat(moto.interceptor.attempts()).containsOnly("labflow.ResolveDefinition");
    assertThat(EmulatorInventory.take()).isEmpty();
  }
}
