package io.labflow.activities.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.MotoServer;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * A lab VPC whose delete meets {@code DependencyViolation}: what still depends on it is read by
 * VPC, the lab's dependants are deleted and the delete tried again; someone else's stay, and so
 * does the VPC.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class VpcSweepTest {

  /** Before the first DeleteVpc, runs {@code action} (what a concurrent stack operation does). */
  static final class BeforeFirstDeleteVpc implements ExecutionInterceptor {
    final AtomicReference<Runnable> action = new AtomicReference<>();

    @Override
    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
      if ("DeleteVpc".equals(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
        Runnable r = action.getAndSet(null);
        if (r != null) {
          r.run();
        }
      }
    }
  }

  final BeforeFirstDeleteVpc beforeDeleteVpc = new BeforeFirstDeleteVpc();
  Lab lab;

  @AfterEach
  void close() {
    if (lab != null) {
      lab.close();
    }
  }

  private String labVpc(String labId) {
    Ec2Client ec2 = lab.clients.ec2();
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.7.0.0/16")
        .tagSpecifications(LabSweepTest.tags(ResourceType.VPC, labId))).vpc().vpcId();
    String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.7.1.0/24")
        .tagSpecifications(LabSweepTest.tags(ResourceType.SUBNET, labId))).subnet().subnetId();
    ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1).subnetId(subnet)
        .tagSpecifications(LabSweepTest.tags(ResourceType.INSTANCE, labId)));
    return vpc;
  }

  private List<String> vpcs() {
    return lab.clients.ec2().describeVpcs().vpcs().stream().map(v -> v.vpcId()).toList();
  }

  @Test
  void aLabSubnetThatAppearsAfterTheListingIsDeletedAndTheVpcWithIt() {
    lab = new Lab(List.of(beforeDeleteVpc));
    String labId = "lab-late";
    String vpc = labVpc(labId);
    String[] late = {null};
    // The lab's stack, still being deleted (or its resources re-made) after a retried
    // DeleteStack, puts a tagged subnet in the VPC after the sweep read what to delete.
    beforeDeleteVpc.action.set(() -> late[0] = lab.clients.ec2().createSubnet(b -> b.vpcId(vpc)
        .cidrBlock("10.7.2.0/24").tagSpecifications(LabSweepTest.tags(ResourceType.SUBNET, labId)))
        .subnet().subnetId());

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(late[0]).as("the late subnet was made").isNotNull();
    assertThat(out.blocked()).isEmpty();
    assertThat(out.deleted().get(ResourceKind.VPCS)).containsExactly(vpc);
    assertThat(out.deleted().get(ResourceKind.SUBNETS)).contains(late[0]);
    assertThat(out.remaining().noneTagged()).as("remaining %s", out.remaining()).isTrue();
    assertThat(vpcs()).doesNotContain(vpc);
    assertThat(lab.calls.count("Ec2", "DeleteVpc")).as("DeleteVpc calls").isEqualTo(2);
  }

  /**
   * Sweeps a lab VPC while {@code operation} answers DependencyViolation {@code times} times, as
   * AWS does while a terminated instance's interfaces are released; the sweep ends complete.
   */
  private void sweepsCompleteThrough(String operation, int times, String labId) {
    lab = new Lab(List.of(new FaultInjector(operation, "DependencyViolation",
        "The resource has dependencies and cannot be deleted.", times)));
    String vpc = labVpc(labId);

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).isEmpty();
    assertThat(out.complete()).as("remaining %s", out.remaining()).isTrue();
    assertThat(vpcs()).doesNotContain(vpc);
  }

  @Test
  void dependencyViolationWhileTheInstanceIsReleasedIsWaitedFor() {
    sweepsCompleteThrough("DeleteVpc", 2, "lab-slow");
    assertThat(lab.calls.count("Ec2", "DeleteVpc")).as("DeleteVpc calls").isEqualTo(3);
  }

  @Test
  void aSubnetRefusedWhileInUseAndGoneWithItsVpcIsNotReportedBlocked() {
    sweepsCompleteThrough("DeleteSubnet", 1, "lab-inuse");
    assertThat(lab.calls.count("Ec2", "DeleteSubnet")).isEqualTo(1);
    assertThat(lab.calls.count("Ec2", "DeleteVpc")).isEqualTo(1);
  }

  @Test
  void aSubnetNotTaggedForTheLabHoldsTheVpcAndBothStay() {
    lab = new Lab(List.of(beforeDeleteVpc));
    String labId = "lab-shared";
    String vpc = labVpc(labId);
    String[] foreign = {null};
    beforeDeleteVpc.action.set(() -> foreign[0] = lab.clients.ec2().createSubnet(b -> b
        .vpcId(vpc).cidrBlock("10.7.3.0/24")).subnet().subnetId());

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).singleElement().satisfies(b -> assertThat(b)
        .startsWith("VPC " + vpc + ": ")
        .contains("DependencyViolation")
        .contains("subnet " + foreign[0])
        .contains("not tagged for lab " + labId));
    assertThat(out.deleted().get(ResourceKind.VPCS)).isEmpty();
    assertThat(vpcs()).contains(vpc);
    assertThat(lab.clients.ec2().describeSubnets(b -> b.subnetIds(foreign[0])).subnets())
        .hasSize(1);
    // Someone else's subnet is not waited for: one DeleteVpc, no retries.
    assertThat(lab.calls.count("Ec2", "DeleteVpc")).isEqualTo(1);
  }

  @Test
  void aSecurityGroupNotTaggedForTheLabHoldsTheVpcAndBothStay() {
    lab = new Lab();
    String labId = "lab-held";
    String vpc = labVpc(labId);
    // AWS refuses DeleteVpc while the VPC holds a group but its default one (moto did not).
    String theirs = lab.clients.ec2().createSecurityGroup(b -> b.groupName("app")
        .description("app").vpcId(vpc)).groupId();

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).singleElement().satisfies(b -> assertThat(b)
        .startsWith("VPC " + vpc + ": ")
        .contains("DependencyViolation")
        .contains("security group " + theirs)
        .contains("not tagged for lab " + labId));
    assertThat(vpcs()).contains(vpc);
    assertThat(lab.clients.ec2().describeSecurityGroups(b -> b.groupIds(theirs))
        .securityGroups()).hasSize(1);
    assertThat(lab.calls.count("Ec2", "DeleteVpc")).isEqualTo(1);
  }

  /**
   * Sweeps two lab groups in a lab VPC whose {@code outbound} or inbound rules name each other (AWS
   * deletes neither while the other's rule names it; so does the local stack), made by the
   * administrator, as the worker holding exactly the shipped policy: both are deleted, and the VPC.
   */
  private void sweepsLabGroupsNamingEachOther(String labId, boolean outbound) throws Exception {
    MotoProcess.Admin admin = MotoServer.enforceIamAsShippedPolicy();
    lab = new Lab();
    try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(admin.accessKeyId(), admin.secretAccessKey()))).build()) {
      String vpc = ec2.createVpc(b -> b.cidrBlock("10.7.0.0/16")
          .tagSpecifications(LabSweepTest.tags(ResourceType.VPC, labId))).vpc().vpcId();
      String[] ids = Stream.of("web", "db").map(n -> ec2.createSecurityGroup(b -> b.groupName(n)
          .description(n).vpcId(vpc)
          .tagSpecifications(LabSweepTest.tags(ResourceType.SECURITY_GROUP, labId)))
          .groupId()).toArray(String[]::new);
      for (int i = 0; i < 2; i++) {
        String group = ids[i];
        String named = ids[1 - i];
        IpPermission other = IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443)
            .userIdGroupPairs(g -> g.groupId(named)).build();
        if (outbound) {
          ec2.authorizeSecurityGroupEgress(b -> b.groupId(group).ipPermissions(other));
        } else {
          ec2.authorizeSecurityGroupIngress(b -> b.groupId(group).ipPermissions(other));
        }
      }

      DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

      assertThat(out.blocked()).isEmpty();
      assertThat(out.deleted().get(ResourceKind.SECURITY_GROUPS)).containsExactlyInAnyOrder(ids);
      assertThat(out.deleted().get(ResourceKind.VPCS)).containsExactly(vpc);
      assertThat(ec2.describeSecurityGroups().securityGroups())
          .noneMatch(g -> List.of(ids).contains(g.groupId()) || vpc.equals(g.vpcId()));
      assertThat(ec2.describeVpcs().vpcs()).noneMatch(v -> v.vpcId().equals(vpc));
    }
  }

  @Test
  void labGroupsThatReferenceEachOtherAreDeleted() throws Exception {
    sweepsLabGroupsNamingEachOther("lab-groups", false);
  }

  @Test
  void labGroupsWhoseOutboundRulesNameEachOtherAreDeleted() throws Exception {
    sweepsLabGroupsNamingEachOther("lab-egress", true);
  }

  @Test
  void aGroupNotTaggedForTheLabThatNamesALabGroupIsLeftAsItIs() {
    lab = new Lab();
    Ec2Client ec2 = lab.clients.ec2();
    String labId = "lab-named";
    String ours = ec2.createSecurityGroup(b -> b.groupName("lab").description("lab")
        .tagSpecifications(LabSweepTest.tags(ResourceType.SECURITY_GROUP, labId))).groupId();
    String theirs = ec2.createSecurityGroup(b -> b.groupName("app").description("app")).groupId();
    ec2.authorizeSecurityGroupEgress(b -> b.groupId(theirs).ipPermissions(p -> p.ipProtocol("tcp")
        .fromPort(443).toPort(443).userIdGroupPairs(g -> g.groupId(ours))));
    ec2.authorizeSecurityGroupIngress(b -> b.groupId(theirs).ipPermissions(p -> p.ipProtocol("tcp")
        .fromPort(22).toPort(22).userIdGroupPairs(g -> g.groupId(ours))));
    SecurityGroup before = ec2.describeSecurityGroups(b -> b.groupIds(theirs)).securityGroups().get(0);

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).singleElement().satisfies(b -> assertThat(b)
        .startsWith("security group " + ours + ": ").contains("DependencyViolation"));
    assertThat(out.deleted().get(ResourceKind.SECURITY_GROUPS)).isEmpty();
    assertThat(out.remaining().get(ResourceKind.SECURITY_GROUPS)).containsExactly(ours);
    assertThat(ec2.describeSecurityGroups(b -> b.groupIds(theirs)).securityGroups())
        .containsExactly(before);
    assertThat(lab.calls.count("Ec2", "RevokeSecurityGroupIngress")
        + lab.calls.count("Ec2", "RevokeSecurityGroupEgress")).as("rules revoked").isZero();
  }
}
