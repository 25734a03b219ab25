package io.labflow.worker.lab;

import static io.labflow.worker.lab.LabOnMoto.step;
import static io.labflow.worker.lab.WholeLabOnMotoTest.allowed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.labflow.workflows.lab.StepState;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@code verifyMethod=simulate}, the lab's default, end to end on moto: the local stack answers
 * iam:SimulatePrincipalPolicy with its IAM policy evaluator (scripts/lib/moto_iam_simulate.py).
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class SimulateLabOnMotoTest {

  static final String LAB = "lab-sim";
  static final Map<String, Object> SIMULATE =
      Map.of("verifyMethod", "simulate", "verifyBudgetSeconds", 1);

  @AutoClose LabOnMoto moto;

  @Test
  void aLabVerifiedBySimulateReachesLiveWithTheVariantsMatrix() throws Exception {
    moto = LabOnMoto.start();
    LabWorkflow lab = moto.startLab(LAB, "read-only", SIMULATE);

    LabStatus live = LabOnMoto.awaitLive(lab);

    Map<String, Object> none = step(live, "verify-no-access").outputs();
    assertThat(none).containsEntry("matches", true).containsEntry("method", "simulate");
    assertThat(allowed(none)).containsOnly(
        entry("s3:ListBucket", false), entry("s3:GetObject", false), entry("s3:PutObject", false));
    Map<String, Object> verify = step(live, "verify-access").outputs();
    assertThat(verify).containsEntry("matches", true).containsEntry("method", "simulate");
    assertThat(allowed(verify)).containsOnly(
        entry("s3:ListBucket", true), entry("s3:GetObject", true), entry("s3:PutObject", false));
    assertThat(moto.calls.count("Sts", "AssumeRole")).as("simulate assumes no role").isZero();

    lab.teardown(null);
    assertThat(WorkflowStub.fromTyped(lab).getResult(LabResult.class).state())
        .isEqualTo(LabState.TORN_DOWN);
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
  }

  @Test
  void aPolicyThatWronglyAllowsPutObjectFailsVerificationAndRollsBack(@TempDir Path dir)
      throws Exception {
    Path definitions = copyOfDefinitions(dir);
    Path lab = definitions.resolve("iam-service-role-lab.yaml");
    String text = Files.readString(lab);
    String readOnly = "    actions: [s3:ListBucket, s3:GetObject]\n";
    assertThat(text).contains(readOnly);
    // The read-only variant's policy now grants s3:PutObject, which its deny list forbids.
    Files.writeString(lab, text.replaceFirst(java.util.regex.Pattern.quote(readOnly),
        "    actions: [s3:ListBucket, s3:GetObject, s3:PutObject]\n"));
    moto = LabOnMoto.startWithDefinitions(definitions);

    LabWorkflow run = moto.startLab(LAB, "read-only", SIMULATE);
    LabStatus end = LabOnMoto.awaitStatus(run, s -> s.state() == LabState.ROLLED_BACK
        || s.state() == LabState.FAILED || s.state() == LabState.LIVE);

    assertThat(end.state()).as("last error: %s", end.lastError()).isEqualTo(LabState.ROLLED_BACK);
    assertThat(step(end, "verify-access").state()).isEqualTo(StepState.FAILED);
    assertThat(step(end, "verify-access").lastError())
        .contains("AccessMismatch")
        .contains("MISMATCH s3:PutObject")
        .contains("expected deny, got allow (allowed)");
    assertThat(EmulatorInventory.take()).as("left in the emulator").isEmpty();
  }

  private static Path copyOfDefinitions(Path dir) throws Exception {
    Path source = Lab.definitionsDir();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = dir.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return dir;
  }
}
