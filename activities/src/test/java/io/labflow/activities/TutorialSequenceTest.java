package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackOutput;
import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.ec2.Ec2Activities.AssociateInstanceProfileInput;
import io.labflow.activities.ec2.Ec2Activities.DisassociateInstanceProfileInput;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyVersionInput;
import io.labflow.activities.iam.policies.PolicyActivities.DeletePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.PolicyOutput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.CreateInstanceProfileInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.DeleteInstanceProfileInput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities.DeleteRoleInput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tutorial as {@code definitions/iam-service-role-lab.yaml} runs it, action by action, with
 * moto enforcing IAM: provision, verify read-only, switch to read-write, verify, then every
 * compensation in reverse order, after which nothing carries the lab's tag.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class TutorialSequenceTest extends MotoLabTest {

  static final String LAB = "lab-042";
  static final String P = "labflow-" + LAB;

  String admin;

  @Override
  protected Lab newLab() throws Exception {
    admin = MotoServer.enforceIamWithAdmin();
    return new Lab();
  }

  @Test
  void provisionVerifySwitchVerifyAndRollBackLeavesNothing() throws Exception {

    CreateStackOutput stack =
        lab.cfn.createStack(MotoLabTest.labStack(LAB, P, "labflow-" + LAB));
    lab.iam.createRole(
        new CreateRoleInput(LAB, P + "-role", "ec2.amazonaws.com", admin, null, null, null));
    PolicyOutput policy =
        lab.iam.createPolicy(
            new CreatePolicyInput(
                LAB, P + "-s3", stack.bucketName(), List.of("s3:ListBucket", "s3:GetObject"), null));
    lab.iam.attachRolePolicy(new RolePolicyInput(LAB, P + "-role", policy.policyArn(), null));
    lab.iam.createInstanceProfile(
        new CreateInstanceProfileInput(LAB, P + "-profile", P + "-role", null));
    lab.ec2.associateInstanceProfile(
        new AssociateInstanceProfileInput(LAB, stack.instanceId(), P + "-profile"));
    assertThat(verify(stack, READ, List.of("s3:PutObject"))).isTrue();

    // onVariantChange: read-write.
    assertThat(
            lab.iam
                .createPolicyVersion(
                    new CreatePolicyVersionInput(
                        LAB,
                        policy.policyArn(),
                        null,
                        stack.bucketName(),
                        List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"),
                        null))
                .created())
        .isTrue();
    assertThat(verify(stack, WRITE, List.of())).isTrue();

    // Rollback: the compensations of the step file, in reverse order, with names only.
    assertThat(
            lab.ec2
                .disassociateInstanceProfile(
                    new DisassociateInstanceProfileInput(LAB, stack.instanceId(), P + "-profile"))
                .deleted())
        .isTrue();
    assertThat(
            lab.iam
                .deleteInstanceProfile(new DeleteInstanceProfileInput(LAB, P + "-profile"))
                .deleted())
        .isTrue();
    assertThat(
            lab.iam
                .detachRolePolicy(new RolePolicyInput(LAB, P + "-role", null, P + "-s3"))
                .changed())
        .isTrue();
    assertThat(lab.iam.deletePolicy(new DeletePolicyInput(LAB, null, P + "-s3")).deleted())
        .isTrue();
    assertThat(lab.iam.deleteRole(new DeleteRoleInput(LAB, P + "-role")).deleted()).isTrue();
    assertThat(lab.cfn.deleteStack(new DeleteStackInput(LAB, P)).deleted()).isTrue();

    LabResources left = lab.inventory.listLabResources(new LabInput(LAB));
    assertThat(left.noneTagged()).as("left behind: %s", left).isTrue();
  }

  /** Whether the lab's role may do exactly {@code allowed} on the lab's bucket and none of {@code denied}. */
  private boolean verify(CreateStackOutput stack, List<String> allowed, List<String> denied) {
    return lab.access.verifyAccess(
        new VerifyAccessInput(LAB, null, P + "-role", stack.bucketName(), allowed, denied, "probe", 10))
        .matches();
  }
}
