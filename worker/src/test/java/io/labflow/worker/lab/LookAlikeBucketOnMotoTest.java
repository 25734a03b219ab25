package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, case 5: a bucket named {@code labflow-<lab>} that someone else made (untagged). The lab
 * used to wait for a stack moto left CREATE_IN_PROGRESS, its undo heartbeating for 15 minutes and
 * more; now its stack step refuses the name before the stack exists, with one sentence, and the
 * lab rolls back at once with nothing left and the bucket untouched.
 */
@ExtendWith(MotoServer.class)
@Tag("moto")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LookAlikeBucketOnMotoTest {

  @AutoClose LabOnMoto moto;

  @Test
  void aLookAlikeBucketRollsTheLabBackWithASentenceAndLeavesTheBucket() throws Exception {
    moto = LabOnMoto.start();
    moto.clients.s3().createBucket(b -> b.bucket("labflow-lab-look"));

    LabWorkflow lab = moto.startLab("lab-look", "read-only");
    LabStatus done = LabOnMoto.awaitStatus(lab, s -> s.state() == LabState.ROLLED_BACK
        || s.state() == LabState.FAILED || s.state() == LabState.LIVE);

    assertThat(done.state()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(LabOnMoto.step(done, "create-stack").lastError())
        .contains("bucket labflow-lab-look already exists and is not labflow's")
        .doesNotContain("Exception");
    assertThat(moto.calls.count("CloudFormation", "CreateStack")).isZero();
    assertThat(LabOnMoto.tagged("lab-look").noneTagged()).isTrue();
    try (Lab look = new Lab()) {
      assertThat(look.clients.s3().listBuckets().buckets()).extracting(b -> b.name())
          .containsExactly("labflow-lab-look");
    }
  }
}
