package io.labflow.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.testing.CallCounter;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.LabWorker;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker's whole preflight ({@link LabWorker#preflight}) on moto, as the worker composes it. */
@ExtendWith(MotoServer.class)
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkerPreflightOnMotoTest {

  private static final Path DEFINITIONS = Tools.repoRoot().resolve("definitions");

  private final CallCounter calls = new CallCounter();
  private Composition.AwsAccess access;

  @AfterEach
  void close() {
    if (access != null) {
      access.clients().close();
    }
  }

  private Preflight preflight() {
    access = Composition.awsAccess(List.of(calls));
    return LabWorker.preflight(access, DEFINITIONS);
  }

  private static ResolvedLab lab(String trustedPrincipalArn) throws Exception {
    String file = "iam-service-role-lab.yaml";
    Definition d = new DefinitionLoader(Composition.CATALOG)
        .load(file, Files.readString(DEFINITIONS.resolve(file))).definitionOrNull();
    return new ResolvedLab(d, file, "read-only", Map.of("verifyMethod", "probe",
        "trustedPrincipalArn", trustedPrincipalArn, "bucketPrefix", "labflow",
        "verifyBudgetSeconds", 20, "instanceType", "t3.micro"));
  }

  /** Before: the account guard asked STS, then the AWS preflight asked again for every lab. */
  @Test
  void theWorkerAsksStsWhoItIsOnceForAllItsLabs() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    Preflight preflight = preflight();

    preflight.check("lab-a", lab(admin));
    preflight.check("lab-b", lab(admin));

    assertThat(calls.count("Sts", "GetCallerIdentity")).as(calls.toString()).isEqualTo(1);
  }

  /** Moved from InputSafetyOfflineTest, where it ran the account rule alone with a made-up account. */
  @Test
  void aPrincipalOfAnotherAccountIsRefusedAndOneOfTheWorkersOwnPasses() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    Preflight preflight = preflight();

    assertThatThrownBy(() -> preflight.check("lab-1", lab("arn:aws:iam::999999999999:role/x")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).isEqualTo("request: parameters.trustedPrincipalArn:"
              + " parameter 'trustedPrincipalArn' names a principal of account 999999999999, but"
              + " the worker runs in account 123456789012 and the definition allows no other"
              + " (list it under accounts)");
        });
    preflight.check("lab-1", lab(admin));
  }
}
