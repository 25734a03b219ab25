package io.labflow.activities.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * A sweep that AWS refuses a delete (a permissions boundary, an SCP, a resource another team
 * holds): what it returns names what was refused, once, and does not claim it gone; everything
 * else of the lab is deleted.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class RefusedSweepTest {

  Lab lab;

  @AfterEach
  void close() {
    if (lab != null) {
      lab.close();
    }
  }

  /** The worker (the administrator) explicitly denied these actions, as an SCP would. */
  private void deny(String... actions) {
    lab.clients.iam().putUserPolicy(b -> b.userName("labflow-admin").policyName("refused")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Action\":[\"" + String.join("\",\"", actions) + "\"],\"Resource\":\"*\"}]}"));
  }

  @Test
  void aStackAndARoleAwsRefusesToDeleteAreNamedOnceAndTheRestIsDeleted() throws Exception {
    MotoServer.enforceIamWithAdmin();
    lab = new Lab(List.of(), LabSweepTest.SHORT);
    String labId = "lab-scp";
    lab.cfn.createStack(MotoLabTest.labStack(labId, "labflow-" + labId, "labflow-" + labId));
    lab.iam.createRole(new CreateRoleInput(labId, "labflow-" + labId + "-role", "ec2.amazonaws.com",
        null, null, null, null));
    LabResources before = lab.inventory.listLabResources(new LabInput(labId));
    deny("cloudformation:DeleteStack", "iam:DeleteRole");

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).hasSize(2);
    assertThat(out.blocked().get(0)).startsWith("role labflow-lab-scp-role: Iam DeleteRole failed: "
        + "AccessDenied").contains("explicit deny");
    assertThat(out.blocked().get(1)).startsWith("stack labflow-lab-scp: CloudFormation DeleteStack"
        + " failed: AccessDenied").contains("explicit deny");
    assertThat(out.deleted().get(ResourceKind.STACKS)).isEmpty();
    assertThat(out.deleted().get(ResourceKind.ROLES)).isEmpty();
    // What the stack held is deleted by the sweep, and not reported still there.
    assertThat(out.deleted().get(ResourceKind.VPCS)).isEqualTo(before.get(ResourceKind.VPCS));
    assertThat(out.deleted().get(ResourceKind.BUCKETS)).containsExactly("labflow-" + labId);
    assertThat(out.remaining().listing())
        .isEqualTo("stacks=[labflow-lab-scp], roles=[labflow-lab-scp-role]");
    assertThat(lab.clients.ec2().describeVpcs().vpcs()).extracting(v -> v.vpcId())
        .doesNotContainAnyElementsOf(before.get(ResourceKind.VPCS));
    assertThat(lab.clients.s3().listBuckets().buckets()).isEmpty();
    assertThat(lab.clients.iam().getRole(b -> b.roleName("labflow-lab-scp-role")).role())
        .isNotNull();
  }

  /** A lab VPC with a subnet and an attached internet gateway, tagged for the lab. */
  private String[] labVpc(String labId) {
    Ec2Client ec2 = lab.clients.ec2();
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.6.0.0/16")
        .tagSpecifications(LabSweepTest.tags(ResourceType.VPC, labId))).vpc().vpcId();
    String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.6.1.0/24")
        .tagSpecifications(LabSweepTest.tags(ResourceType.SUBNET, labId))).subnet().subnetId();
    String igw = ec2.createInternetGateway(b -> b.tagSpecifications(
        LabSweepTest.tags(ResourceType.INTERNET_GATEWAY, labId))).internetGateway()
        .internetGatewayId();
    ec2.attachInternetGateway(b -> b.internetGatewayId(igw).vpcId(vpc));
    return new String[] {vpc, subnet, igw};
  }

  @Test
  void aSubnetAwsRefusesToDeleteIsNamedOnceWithTheVpcItHolds() throws Exception {
    MotoServer.enforceIamWithAdmin();
    lab = new Lab();
    String labId = "lab-held";
    String[] ids = labVpc(labId);
    deny("ec2:DeleteSubnet");

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).hasSize(2);
    assertThat(out.blocked().get(0)).startsWith("subnet " + ids[1] + ": Ec2 DeleteSubnet failed: ")
        .contains("explicit deny");
    assertThat(out.blocked().get(1)).startsWith("VPC " + ids[0] + ": ")
        .contains("DependencyViolation");
    assertThat(out.deleted().get(ResourceKind.INTERNET_GATEWAYS)).containsExactly(ids[2]);
    assertThat(out.deleted().get(ResourceKind.SUBNETS)).isEmpty();
    assertThat(out.deleted().get(ResourceKind.VPCS)).isEmpty();
    assertThat(out.remaining().listing())
        .isEqualTo("vpcs=[" + ids[0] + "], subnets=[" + ids[1] + "]");
  }

  /**
   * Someone else (the lab's stack still being deleted, a person) detaches the lab's gateway and
   * deletes its detached interface between the sweep's listing and its calls: AWS answers
   * {@code Gateway.NotAttached} and {@code InvalidNetworkInterfaceID.NotFound}, which read as done.
   */
  @Test
  void whatSomeoneElseRemovedBetweenTheListingAndTheDeleteReadsAsDone() {
    lab = new Lab(List.of(
        new FaultInjector("DetachInternetGateway", "Gateway.NotAttached", "not attached", 1),
        new FaultInjector("DeleteNetworkInterface", "InvalidNetworkInterfaceID.NotFound",
            "does not exist", 1)));
    String labId = "lab-gone";
    String[] ids = labVpc(labId);
    String eni = lab.clients.ec2().createNetworkInterface(b -> b.subnetId(ids[1])
        .tagSpecifications(LabSweepTest.tags(ResourceType.NETWORK_INTERFACE, labId)))
        .networkInterface().networkInterfaceId();

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).isEmpty();
    assertThat(out.complete()).as("remaining %s", out.remaining()).isTrue();
    assertThat(out.deleted().get(ResourceKind.INTERNET_GATEWAYS)).containsExactly(ids[2]);
    assertThat(out.deleted().get(ResourceKind.VPCS)).containsExactly(ids[0]);
    // Gone, but not by the sweep's hand.
    assertThat(out.deleted().get(ResourceKind.NETWORK_INTERFACES)).doesNotContain(eni);
    assertThat(lab.calls.count("Ec2", "DetachInternetGateway")).isEqualTo(1);
    assertThat(lab.calls.count("Ec2", "DeleteNetworkInterface")).isEqualTo(1);
  }
}
