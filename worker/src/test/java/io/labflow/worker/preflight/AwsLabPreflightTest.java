package io.labflow.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.preflight.AwsPreflight.Verification;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the preflight reads from the shipped lab before its first step. */
@Tag("fast")
class AwsLabPreflightTest {

  private static final String LAB = "definitions/iam-service-role-lab.yaml";

  private static Definition load(String file, String text) {
    return new DefinitionLoader(Composition.CATALOG).load(file, text).definitionOrNull();
  }

  private static String read(String file) throws Exception {
    return Files.readString(Tools.repoRoot().resolve(file));
  }

  @Test
  void theSimulatorIsCheckedOnTheLabsOwnRoleAsItsVerificationsNameIt() throws Exception {
    Definition d = load(LAB, read(LAB));
    ResolvedLab lab = new ResolvedLab(d, "iam-service-role-lab.yaml", "read-only",
        Map.of("verifyMethod", "simulate", "bucketPrefix", "labflow", "verifyBudgetSeconds", 120,
            "instanceType", "t3.micro"));

    assertThat(AwsLabPreflight.verifications("lab-042", lab)).containsExactly(
        new Verification("simulate", "verifyMethod", false, "trustedPrincipalArn",
            "labflow-lab-042-role"));
  }

  /**
   * A misspelt S3 action, or one that acts on no bucket, is refused before the first step: before,
   * s3:ListBuckets went into the policy and the lab failed its verification minutes later.
   */
  @Test
  void everyS3ActionOfEveryVariantIsOneAPolicyScopedToTheBucketCanAllow() throws Exception {
    for (String shipped : new String[] {LAB, "definitions/iam-service-role-challenge.yaml"}) {
      ResolvedLab ok = new ResolvedLab(load(shipped, read(shipped)), shipped, null, Map.of());
      assertThat(AwsLabPreflight.s3ActionProblems(ok)).as(shipped).isEmpty();
    }
    String text = read(LAB)
        .replace("actions: [s3:ListBucket, s3:GetObject]\n", "actions: [s3:ListBuckets, s3:GetObject]\n")
        .replace("allow: [s3:ListBucket, s3:GetObject, s3:PutObject]",
            "allow: [s3:ListBucket, s3:GetObject, s3:PutObject, s3:ListAllMyBuckets]")
        .replace("allow: []\n", "allow: [s3:GetObjekt]\n");
    ResolvedLab lab = new ResolvedLab(load("lab.yaml", text), "lab.yaml", "read-write", Map.of());

    assertThat(AwsLabPreflight.s3ActionProblems(lab)).containsExactly(
        "lab.yaml:111: step 'verify-no-access' (VerifyAccess) with.allow: s3:GetObjekt is not an S3"
            + " action; did you mean 's3:GetObject'?",
        "lab.yaml:124: step 'create-policy' (CreatePolicy) with.actions of variant 'read-only':"
            + " s3:ListBuckets is not an S3 action; did you mean 's3:ListBucket'?",
        "lab.yaml:178: step 'verify-access' (VerifyAccess) with.allow of variant 'read-write':"
            + " s3:ListAllMyBuckets acts on no bucket or object, so a policy scoped to the lab's"
            + " bucket cannot allow it",
        "lab.yaml:192: step 'update-policy' (CreatePolicyVersion) with.actions of variant 'read-only':"
            + " s3:ListBuckets is not an S3 action; did you mean 's3:ListBucket'?",
        "lab.yaml:200: step 'verify-after-switch' (VerifyAccess) with.allow of variant 'read-write':"
            + " s3:ListAllMyBuckets acts on no bucket or object, so a policy scoped to the lab's"
            + " bucket cannot allow it");
  }

  /** What a probe cannot check is refused before the first step too, not by the verification. */
  @Test
  void aVerificationByProbeMayAskOnlyWhatTheProbeDoes() throws Exception {
    String text = read(LAB).replace("allow: [s3:ListBucket, s3:GetObject, s3:PutObject]",
        "allow: [s3:ListBucket, s3:GetObject, s3:PutObject, s3:GetBucketTagging]");
    Definition d = load("lab.yaml", text);
    String probe = " (VerifyAccess) with.allow of variant 'read-write': probe can check only"
        + " s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject, not s3:GetBucketTagging";

    assertThat(AwsLabPreflight.s3ActionProblems(new ResolvedLab(d, "lab.yaml", "read-only",
        Map.of("verifyMethod", "probe")))).containsExactly(
            "lab.yaml:178: step 'verify-access'" + probe,
            "lab.yaml:200: step 'verify-after-switch'" + probe);
    assertThat(AwsLabPreflight.s3ActionProblems(new ResolvedLab(d, "lab.yaml", "read-only",
        Map.of("verifyMethod", "simulate")))).isEmpty();
  }
}
