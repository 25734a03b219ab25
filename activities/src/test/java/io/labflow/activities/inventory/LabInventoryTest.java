package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackOutput;
import io.labflow.activities.ec2.Ec2Activities.AssociateInstanceProfileInput;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.CreateInstanceProfileInput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class LabInventoryTest extends MotoLabTest {


  /** The whole tutorial's resources for one lab, made by the activities. */
  static CreateStackOutput provision(Lab lab, String labId) {
    String prefix = "labflow-" + labId;
    CreateStackOutput stack =
        lab.cfn.createStack(
            labStack(labId, prefix, prefix + "-bucket"));
    lab.iam.createRole(new CreateRoleInput(labId, prefix + "-role", null, null, null, null, null));
    lab.iam.createPolicy(
        new CreatePolicyInput(
            labId, prefix + "-policy", stack.bucketName(), List.of("s3:GetObject"), null));
    lab.iam.attachRolePolicy(
        new RolePolicyInput(labId, prefix + "-role", null, prefix + "-policy"));
    lab.iam.createInstanceProfile(
        new CreateInstanceProfileInput(labId, prefix + "-profile", prefix + "-role", null));
    lab.ec2.associateInstanceProfile(
        new AssociateInstanceProfileInput(labId, stack.instanceId(), prefix + "-profile"));
    return stack;
  }

  @Test
  void listsAndDeletesExactlyTheLabsResources() {
    CreateStackOutput mine = provision(lab, "lab-a");
    CreateStackOutput theirs = provision(lab, "lab-b");
    lab.clients.iam().createRole(
        b ->
            b.roleName("untagged-role")
                .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));

    LabResources found = lab.inventory.listLabResources(new LabInput("lab-a"));
    assertThat(found.get(ResourceKind.STACKS)).containsExactly("labflow-lab-a");
    assertThat(found.get(ResourceKind.INSTANCES)).containsExactly(mine.instanceId());
    assertThat(found.get(ResourceKind.VPCS)).containsExactly(mine.outputs().get("VpcId"));
    assertThat(found.get(ResourceKind.BUCKETS)).containsExactly("labflow-lab-a-bucket");
    assertThat(found.get(ResourceKind.ROLES)).containsExactly("labflow-lab-a-role");
    assertThat(found.get(ResourceKind.POLICIES)).singleElement().satisfies(a -> assertThat(a).endsWith(":policy/labflow-lab-a-policy"));
    assertThat(found.get(ResourceKind.INSTANCE_PROFILES)).containsExactly("labflow-lab-a-profile");
    // What the stack holds besides, found by its resources and by the tag.
    assertThat(found.get(ResourceKind.INTERNET_GATEWAYS)).hasSize(1);
    assertThat(found.get(ResourceKind.SUBNETS)).hasSize(1);
    assertThat(found.get(ResourceKind.ROUTE_TABLES)).hasSize(1);
    assertThat(found.get(ResourceKind.SECURITY_GROUPS)).hasSize(1);
    assertThat(found.get(ResourceKind.NETWORK_INTERFACES)).hasSize(1);
    assertThat(found.get(ResourceKind.ASSOCIATIONS)).singleElement()
        .satisfies(a -> assertThat(a).startsWith(mine.instanceId() + "/"));
    assertThat(found.get(ResourceKind.POLICY_VERSIONS)).singleElement().satisfies(v -> assertThat(v).endsWith("#v1"));
    assertThat(found.get(ResourceKind.UNKNOWN)).isEmpty();
    assertThat(found.unreadable()).isEmpty();

    assertThat(lab.inventory.listLabResources(new LabInput("lab-a"))).isEqualTo(found);

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput("lab-a"));
    assertThat(out.deleted().get(ResourceKind.STACKS)).containsExactly("labflow-lab-a");
    assertThat(out.deleted().get(ResourceKind.ROLES)).containsExactly("labflow-lab-a-role");
    assertThat(out.deleted().get(ResourceKind.INSTANCES)).containsExactly(mine.instanceId());
    assertThat(out.remaining().noneTagged()).as("remaining %s", out.remaining()).isTrue();
    assertThat(out.blocked()).isEmpty();
    assertThat(out.complete()).isTrue();

    // Running it again finds nothing and deletes nothing.
    DeleteLabResourcesOutput again = lab.inventory.deleteLabResources(new LabInput("lab-a"));
    assertThat(again.deleted().noneTagged()).isTrue();
    assertThat(again.remaining().noneTagged()).isTrue();

    // The other lab and the untagged role are intact.
    LabResources other = lab.inventory.listLabResources(new LabInput("lab-b"));
    assertThat(other.get(ResourceKind.STACKS)).containsExactly("labflow-lab-b");
    assertThat(other.get(ResourceKind.INSTANCES)).containsExactly(theirs.instanceId());
    assertThat(other.get(ResourceKind.ROLES)).containsExactly("labflow-lab-b-role");
    assertThat(other.get(ResourceKind.INSTANCE_PROFILES)).containsExactly("labflow-lab-b-profile");
    assertThat(other.get(ResourceKind.POLICIES)).hasSize(1);
    assertThat(lab.clients.iam().getRole(b -> b.roleName("untagged-role")).role()).isNotNull();
    assertThat(
            lab.clients
                .iam()
                .listAttachedRolePolicies(b -> b.roleName("labflow-lab-b-role"))
                .attachedPolicies())
        .hasSize(1);
  }
}
