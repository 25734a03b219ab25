package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.DefinitionActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.Preflight;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real lab definition offline: principal ARNs and derived names are checked by validate, plan,
 * {@code labflow run} and the worker's resolver before anything is created.
 */
@Tag("fast")
class InputSafetyOfflineTest {

  private static final Path LAB = Tools.repoRoot().resolve("definitions/iam-service-role-lab.yaml");
  /** The worker's definitions directory, where plan reads the stack's template. */
  private static final String DEFINITIONS = LAB.getParent().toString();
  /** 41 characters: the longest lab id. */
  private static final String LONG_ID = "a" + "b".repeat(40);
  /** 31 characters: the longest bucket prefix the lab's pattern allows; with the id, 73. */
  private static final String LONG_PREFIX = "p".repeat(31);

  @Test
  void planRejectsAWildcardPrincipalAndAMalformedArn() {
    CliRun star = run("plan", LAB.toString(), "-p", "trustedPrincipalArn=*");
    assertThat(star.code()).isEqualTo(1);
    assertThat(star.err())
        .contains("parameters.trustedPrincipalArn: parameter 'trustedPrincipalArn' value '*' contains a wildcard")
        .contains("would fail before creating anything");
    CliRun bad = run("plan", LAB.toString(), "-p", "trustedPrincipalArn=arn:aws:iam::123:role/x");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("is not an IAM principal ARN");
  }

  @Test
  void planPrintsTheTrustPolicyWithTheGivenPrincipal() {
    CliRun r =
        run("--definitions", DEFINITIONS, "plan", LAB.toString(), "--lab-id", "lab-1", "-p",
            "trustedPrincipalArn=arn:aws:iam::123456789012:role/labflow-worker");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Trust policy of the role of step create-role (who may assume it):")
        .contains("\"Service\" : \"ec2.amazonaws.com\"")
        .contains("\"AWS\" : \"arn:aws:iam::123456789012:role/labflow-worker\"")
        .contains("\"Action\" : \"sts:AssumeRole\"")
        .doesNotContain("BROADER");
  }

  @Test
  void planFlagsAPrincipalFromAnUncheckedParameterAndTheRoleFieldStillRefusesWildcards(
      @TempDir Path dir) throws IOException {
    String text = Files.readString(LAB).replace("    format: arn\n    arnTypes: [role, user]\n", "");
    Path file = dir.resolve("iam-service-role-lab.yaml");
    Files.writeString(file, text);
    CliRun r = run("--definitions", DEFINITIONS, "plan", file.toString(), "--lab-id", "lab-1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("! UNCHECKED: trustedPrincipalArn comes from parameter 'trustedPrincipalArn',"
            + " which does not declare format: arn");
    // The action's own field declares format arn: the value is checked even so.
    CliRun star = run("plan", file.toString(), "--lab-id", "lab-1", "-p", "trustedPrincipalArn=*");
    assertThat(star.code()).isEqualTo(1);
    assertThat(star.err())
        .contains("step 'create-role' (CreateRole): field 'trustedPrincipalArn': trusted principal ARN '*'"
            + " contains a wildcard");
    CliRun root = run("plan", file.toString(), "--lab-id", "lab-1", "-p",
        "trustedPrincipalArn=arn:aws:iam::123456789012:root");
    assertThat(root.err()).contains("names an account root, which this parameter does not allow");
  }

  @Test
  void validateRejectsALiteralWildcardPrincipal(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("lab.yaml");
    Files.writeString(file, Files.readString(LAB).replace(
        "trustedPrincipalArn: ${params.trustedPrincipalArn}", "trustedPrincipalArn: \"*\""));
    CliRun r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("steps[1].with.trustedPrincipalArn: field 'trustedPrincipalArn':"
        + " trusted principal ARN '*' contains a wildcard");
  }

  @Test
  void aSeventyThreeCharacterBucketIsRejectedByPlanRunAndTheResolver() {
    String bucket = LONG_PREFIX + "-" + LONG_ID;
    assertThat(bucket).hasSize(73);
    CliRun plan = run("plan", LAB.toString(), "--lab-id", LONG_ID, "-p", "bucketPrefix=" + LONG_PREFIX);
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err())
        .contains("step 'create-stack' (CreateStack): field 'parameters.BucketName': S3 bucket name '")
        .contains("is 73 characters long; the limit is 3 to 63 characters");
    // labflow run checks before it contacts Temporal (no server is running here).
    CliRun cliRun = run("run", LAB.toString(), "--lab-id", LONG_ID, "-p", "bucketPrefix=" + LONG_PREFIX);
    assertThat(cliRun.code()).isEqualTo(2);
    assertThat(cliRun.err()).contains("is 73 characters long");

    DefinitionActivities resolver = resolver(Preflight.NONE);
    assertThatThrownBy(
            () ->
                resolver.resolve(
                    new LabRequest("iam-service-role-lab", null, LONG_ID,
                        Map.of("bucketPrefix", LONG_PREFIX), null)))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("request: step 'create-stack' (CreateStack): field 'parameters.BucketName'")
        .hasMessageContaining("73 characters long")
        .satisfies(e -> assertThat(((ApplicationFailure) e).isNonRetryable()).isTrue());
    // The role name of a 41-character lab id (labflow-<id>-role) is 54: within IAM's 64.
    assertThat(
            resolver.resolve(new LabRequest("iam-service-role-lab", null, LONG_ID, Map.of(), null))
                .parameters())
        .containsEntry("bucketPrefix", "labflow");
  }

  @Test
  void validateRejectsALiteralNameOverItsLimit(@TempDir Path dir) throws IOException {
    String text =
        Files.readString(LAB)
            .replace("BucketName: ${params.bucketPrefix}-${lab.labId}", "BucketName: " + "b".repeat(73))
            .replace("roleName: labflow-${lab.labId}-role\n      servicePrincipal",
                "roleName: " + "r".repeat(65) + "\n      servicePrincipal")
            .replace("    default: labflow\n", "    default: labflow\n")
            .replace("    format: arn\n", "    format: arn\n    default: \"*\"\n");
    Path file = dir.resolve("lab.yaml");
    Files.writeString(file, text);
    CliRun r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("steps[0].with.parameters: field 'parameters.BucketName': S3 bucket name 'bbbb")
        .contains("steps[1].with.roleName: field 'roleName': IAM role name 'rrrr")
        .contains("65 characters long; the limit is 64 characters (action 'CreateRole')")
        .contains("parameters.trustedPrincipalArn.default: default '*' contains a wildcard");
  }

  @Test
  void aVariantThatAllowsAndDeniesOneActionIsRefusedBeforeAnythingIsCreated(@TempDir Path dir)
      throws IOException {
    // Once, the walk of such a lab created its stack, role, policy and profile, then failed
    // verify-access ('s3:GetObject is both allowed and denied') and rolled them back.
    String text = Files.readString(LAB)
        .replace("    deny: [s3:PutObject]\n", "    deny: [s3:PutObject, s3:GetObject]\n");
    Path file = dir.resolve("lab.yaml");
    Files.writeString(file, text);
    String refused = "steps[7].with.deny: variant 'read-only': field 'deny': 's3:GetObject' is in"
        + " both 'allow' and 'deny' (action 'VerifyAccess')";
    CliRun validate = run("validate", file.toString());
    assertThat(validate.code()).isEqualTo(1);
    // verify-after-switch reads the variant's lists too: a switch to read-only would fail there.
    assertThat(validate.out()).isEqualTo(file + ":185:13: " + refused + "\n" + file + ":207:13: "
        + refused.replace("steps[7]", "onVariantChange[1]") + "\n");
    CliRun plan = run("plan", file.toString(), "--variant", "read-write");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains(refused);
    // labflow run refuses the file before it contacts Temporal (no server is running here).
    CliRun cliRun = run("run", file.toString(), "--lab-id", "lab-1");
    assertThat(cliRun.code()).isEqualTo(1);
    assertThat(cliRun.err()).contains(refused);
    assertThatThrownBy(() -> resolver(Preflight.NONE).resolve(
            new LabRequest(null, null, "lab-1", Map.of(), text)))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining(refused)
        .satisfies(e -> assertThat(((ApplicationFailure) e).getType())
            .isEqualTo(FailureTypes.INVALID_DEFINITION));
  }

  @Test
  void listsKnownOnlyFromTheRunsParametersAreCheckedByPlanAndTheResolver(@TempDir Path dir)
      throws IOException {
    String text = Files.readString(LAB)
        .replaceFirst("(?m)^parameters:\n", "parameters:\n  denied:\n    type: list\n"
            + "    default: [s3:PutObject]\n")
        .replaceFirst("(id: verify-access\n(.*\n){6}      deny: )\\$\\{variant.deny}",
            "$1\\${params.denied}");
    assertThat(text).contains("deny: ${params.denied}");
    Path file = dir.resolve("iam-service-role-lab.yaml");
    Files.writeString(file, text);
    CliRun validate = run("--definitions", DEFINITIONS, "validate", file.toString());
    assertThat(validate.out()).isEqualTo(file + ": valid\n");
    String refused = "step 'verify-access' (VerifyAccess): field 'deny': 's3:GetObject' is in"
        + " both 'allow' and 'deny'";
    CliRun plan = run("plan", file.toString(), "-p", "denied=s3:PutObject,s3:GetObject");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains(refused);
    DefinitionActivities resolver = resolver(Preflight.NONE);
    assertThatThrownBy(() -> resolver.resolve(new LabRequest(null, null, "lab-1",
            Map.of("denied", List.of("s3:GetObject")), text)))
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("request: " + refused)
        .satisfies(e -> assertThat(((ApplicationFailure) e).isNonRetryable()).isTrue());
    assertThat(resolver.resolve(new LabRequest(null, null, "lab-1", Map.of(), text)).variant())
        .isEqualTo("read-only");
  }

  @Test
  void validateAndPlanRefuseAMisspeltS3Action(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("iam-service-role-lab.yaml");
    Files.writeString(file, Files.readString(LAB).replace(
        "actions: [s3:ListBucket, s3:GetObject]\n", "actions: [s3:ListBuckets, s3:GetObject]\n"));
    String refused = ": step 'create-policy' (CreatePolicy) with.actions of variant 'read-only':"
        + " s3:ListBuckets is not an S3 action; did you mean 's3:ListBucket'?";
    CliRun validate = run("--definitions", DEFINITIONS, "validate", file.toString());
    assertThat(validate.code()).isEqualTo(1);
    assertThat(validate.out()).isEqualTo(file + ":124" + refused + "\n" + file + ":192"
        + refused.replace("'create-policy' (CreatePolicy)", "'update-policy' (CreatePolicyVersion)")
        + "\n");
    CliRun plan = run("--definitions", DEFINITIONS, "plan", file.toString(), "--lab-id", "lab-1");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains(refused);
    // labflow run refuses it before it contacts Temporal (no server is running here).
    CliRun cliRun = run("run", file.toString(), "--lab-id", "lab-1");
    assertThat(cliRun.code()).isEqualTo(2);
    assertThat(cliRun.err()).contains(refused);
  }

  private static DefinitionActivities resolver(Preflight preflight) {
    DefinitionSource source =
        name -> {
          try {
            return name.equals("iam-service-role-lab")
                ? Optional.of(new DefinitionSource.SourceFile(LAB.getFileName().toString(), Files.readString(LAB)))
                : Optional.empty();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        };
    return Composition.definitionActivities(source, preflight,
        SiteParameters.NONE);
  }
}
