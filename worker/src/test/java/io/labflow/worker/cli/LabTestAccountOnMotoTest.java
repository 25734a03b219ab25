package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labflow test} counts what is left of a lab through the worker's account guard: in an
 * account the worker may not act in it counts nothing and says why, a deviation, rather than
 * finding nothing there and passing.
 */
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.class)
class LabTestAccountOnMotoTest {

  @TempDir Path dir;

  @AfterEach
  void allowTheEmulatorAgain() {
    System.clearProperty("labflow.allowedAccounts");
  }

  @Test
  void whatIsLeftIsNotCountedInAnAccountTheWorkerMayNotActIn() throws Exception {
    Path file = Files.writeString(dir.resolve("learner-lab.yaml"), LabTestCommandTest.DEFINITION);
    // moto answers as account 123456789012; the worker here may act only in another one.
    System.setProperty("labflow.allowedAccounts", "111111111111");
    try (DoubleLabServer server = new DoubleLabServer()) {
      server.leftovers = null;
      LearnerLabDouble.SCRIPTS.put("guarded-1", LearnerLabDouble.Script.CLEAN);

      DoubleLabServer.Result r = server.labflow("test", file.toString(), "--lab-id", "guarded-1");

      assertThat(r.code()).as(r.all()).isEqualTo(1);
      assertThat(r.out()).as(r.all()).contains("  deviation: cannot count what is left of lab"
          + " guarded-1: labflow refuses to act in AWS account 123456789012");
    }
  }
}
