package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.common.Tags;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker's preflight refuses a lab's values AWS would refuse only after resources exist: an
 * instance type the region does not offer, and a trusted principal that does not exist or is
 * another lab's. Each ends the run in its resolve activity with one sentence naming the parameter,
 * before any step: nothing is created.
 */
@ExtendWith(MotoServer.class)
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PreflightOnMotoTest {

  @AutoClose LabOnMoto moto;

  @BeforeEach
  void start() throws Exception {
    moto = LabOnMoto.startWithPreflight();
  }

  /** Runs the lab with these parameters changed and returns its failure, checking nothing exists. */
  private ApplicationFailure refused(String labId, Map<String, Object> changed) {
    Map<String, Object> params = new HashMap<>(Map.of(
        "verifyMethod", "probe", "trustedPrincipalArn", moto.adminArn, "verifyBudgetSeconds", 20));
    params.putAll(changed);
    return refused(() -> moto.startLab(labId, "read-only", params));
  }

  /** Starts a lab and returns its failure, checking that nothing ran but the resolver. */
  private ApplicationFailure refused(Supplier<LabWorkflow> start) {
    Map<String, List<String>> before = EmulatorInventory.take();
    int from = moto.operations.size();
    LabWorkflow lab = start.get();
    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(lab).getResult(LabResult.class));

    assertThat(failed).as("the lab failed").isNotNull();
    assertThat(lab.status().state()).isEqualTo(LabState.FAILED);
    assertThat(moto.interceptor.attempts()).containsOnly("labflow.ResolveDefinition");
    assertThat(moto.operations.since(from, "")).as("AWS calls").noneMatch(o -> o.matches(
        "\\w+\\.(Create|Put|Run|Attach|Associate|Tag|Delete)\\w*"));
    assertThat(EmulatorInventory.take()).as("what exists in the emulator").isEqualTo(before);
    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo("PreflightFailed");
    assertThat(cause.getOriginalMessage()).doesNotContain("Exception").doesNotContain("\n");
    return cause;
  }

  @Test
  void anInstanceTypeTheRegionDoesNotOfferIsRefused() throws Exception {

    ApplicationFailure f = refused("lab-x9", Map.of("instanceType", "x9.nonexistent"));

    assertThat(f.getOriginalMessage()).isEqualTo("preflight: parameter instanceType: instance type"
        + " 'x9.nonexistent' is not offered in region us-east-1; choose one that is (for example"
        + " t3.micro)");
  }

  @Test
  void aTrustedPrincipalThatDoesNotExistIsRefused() throws Exception {
    String account = moto.adminArn.split(":")[4];

    ApplicationFailure f = refused("lab-ghost",
        Map.of("trustedPrincipalArn", "arn:aws:iam::" + account + ":user/nobody"));

    assertThat(f.getOriginalMessage()).isEqualTo("preflight: parameter trustedPrincipalArn names"
        + " user nobody, which does not exist in account " + account + "; set trustedPrincipalArn"
        + " to the worker's own ARN, " + moto.adminArn);
  }

  @Test
  void aTrustedPrincipalThatIsAnotherLabsRoleIsRefused() throws Exception {
    String other = moto.clients.iam().createRole(b -> b.roleName("labflow-lab-other-role")
            .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
            .tags(t -> t.key(Tags.LAB_TAG).value("lab-other")))
        .role().arn();
    String untagged = moto.clients.iam().createRole(b -> b.roleName("labflow-lab-third-role")
            .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"))
        .role().arn();

    ApplicationFailure tagged = refused("lab-trust", Map.of("trustedPrincipalArn", other));
    ApplicationFailure named = refused("lab-trust2", Map.of("trustedPrincipalArn", untagged));

    assertThat(tagged.getOriginalMessage()).startsWith("preflight: parameter trustedPrincipalArn"
        + " names role labflow-lab-other-role, which belongs to lab lab-other (tag"
        + " labflow:lab=lab-other); a lab's role trusts no lab's principal; set");
    assertThat(named.getOriginalMessage()).startsWith("preflight: parameter trustedPrincipalArn"
        + " names role labflow-lab-third-role, which is named as this definition names its labs'"
        + " roles; a lab's role trusts no lab's principal; set");
  }

  /**
   * A stack step's template, named through a parameter, that leaves the definitions directory or
   * does not exist: before, the preflight read it as no template and passed, the role step created
   * its role, and only the stack step failed (then rolled back).
   */
  @Test
  void aStackTemplateThatLeavesTheDirectoryOrIsMissingIsRefusedBeforeTheFirstStep() {
    String yaml = LabOnMoto.roleThenParameterNamedStack("../../outside.yaml");
    String dir = Lab.definitionsDir().toAbsolutePath().normalize().toString();

    ApplicationFailure outside = refused(() -> moto.startInline("lab-tpl1", yaml, Map.of()));
    ApplicationFailure missing =
        refused(() -> moto.startInline("lab-tpl2", yaml, Map.of("template", "missing.yaml")));

    assertThat(outside.getOriginalMessage()).isEqualTo("preflight: inline:definition: step"
        + " 'stack' with.templateFile: templateFile 'templates/../../outside.yaml' leaves the"
        + " definitions directory " + dir);
    assertThat(missing.getOriginalMessage()).isEqualTo("preflight: inline:definition: step"
        + " 'stack' with.templateFile: templateFile 'templates/missing.yaml': cannot read " + dir
        + "/templates/missing.yaml");
  }

  /**
   * An S3 action S3 does not have, in a policy a later step makes: IAM accepts it, so before, the
   * role step created its role, the policy step its policy, and only the verification failed,
   * after its budget. A lab started from the Web UI reaches the worker without the CLI's checks.
   */
  @Test
  void anS3ActionS3DoesNotHaveIsRefusedBeforeTheFirstStep() {
    String yaml = """
        name: role-then-policy
        steps:
        """ + LabOnMoto.ROLE_STEP + """
          - id: policy
            action: CreatePolicy
            with: {labId: "${lab.labId}", policyName: "labflow-${lab.labId}-policy",
              bucketName: "labflow-${lab.labId}-bucket", actions: [s3:ListBuckets]}
        """;

    ApplicationFailure f = refused(() -> moto.startInline("lab-s3typo", yaml, Map.of()));

    assertThat(f.getOriginalMessage()).isEqualTo("preflight: inline:definition:10: step 'policy'"
        + " (CreatePolicy) with.actions: s3:ListBuckets is not an S3 action; did you mean"
        + " 's3:ListBucket'?");
  }

  @Test
  void theWorkerItselfAndAnOfferedTypePass() throws Exception {

    LabWorkflow lab = moto.startLab("lab-fine", "read-only", Map.of("verifyMethod", "probe",
        "trustedPrincipalArn", moto.adminArn, "verifyBudgetSeconds", 20, "instanceType", "t3.micro"));
    LabOnMoto.awaitLive(lab);
  }
}
