package io.labflow.activities.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.cloudformation.CloudFormationActivities.CreateStackOutput;
import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.cloudformation.StackWaits;
import io.labflow.activities.common.Tags;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The sweep (DeleteLabResources) beyond the happy path: tagged leftovers outside any stack, a
 * stack rolled back for a taken bucket name, and a broken stack of another lab.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class LabSweepTest {

  /** Counts DescribeStacks calls that name no stack (a list-all). */
  static final class ListAllDescribeStacks implements ExecutionInterceptor {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
      if (c.request() instanceof DescribeStacksRequest r && r.stackName() == null) {
        count.incrementAndGet();
      }
    }
  }

  static final StackWaits SHORT =
      new StackWaits(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(1));

  final ListAllDescribeStacks listAll = new ListAllDescribeStacks();
  Lab lab = new Lab(List.of(listAll), SHORT);

  @AfterEach
  void close() {
    lab.close();
  }

  /** The lab tags of a resource made by hand (also for {@link VpcSweepTest}). */
  static TagSpecification tags(ResourceType type, String labId) {
    return TagSpecification.builder()
        .resourceType(type)
        .tags(Tag.builder().key(Tags.LAB_TAG).value(labId).build(),
            Tag.builder().key(Tags.NAMESPACE_TAG).value(Lab.NAMESPACE).build())
        .build();
  }

  @Test
  void taggedLeftoversOutsideAnyStackAreDeletedInOrderAndLookAlikesStay() {
    Ec2Client ec2 = lab.clients.ec2();
    String labId = "lab-left";
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.9.0.0/16")
        .tagSpecifications(tags(ResourceType.VPC, labId))).vpc().vpcId();
    String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.1.0/24")
        .tagSpecifications(tags(ResourceType.SUBNET, labId))).subnet().subnetId();
    String igw = ec2.createInternetGateway(b -> b.tagSpecifications(
        tags(ResourceType.INTERNET_GATEWAY, labId))).internetGateway().internetGatewayId();
    ec2.attachInternetGateway(b -> b.internetGatewayId(igw).vpcId(vpc));
    String rtb = ec2.createRouteTable(b -> b.vpcId(vpc)
        .tagSpecifications(tags(ResourceType.ROUTE_TABLE, labId))).routeTable().routeTableId();
    ec2.associateRouteTable(b -> b.routeTableId(rtb).subnetId(subnet));
    ec2.createRoute(b -> b.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
    String sg = ec2.createSecurityGroup(b -> b.groupName("lab-left-sg").description("x").vpcId(vpc)
        .tagSpecifications(tags(ResourceType.SECURITY_GROUP, labId))).groupId();
    String instance = ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1)
        .subnetId(subnet).securityGroupIds(sg)
        .tagSpecifications(tags(ResourceType.INSTANCE, labId))).instances().get(0).instanceId();
    lab.clients.s3().createBucket(b -> b.bucket("lab-left-bucket"));
    lab.clients.s3().putBucketTagging(b -> b.bucket("lab-left-bucket").tagging(t -> t.tagSet(
        software.amazon.awssdk.services.s3.model.Tag.builder().key(Tags.LAB_TAG).value(labId)
            .build(),
        software.amazon.awssdk.services.s3.model.Tag.builder().key(Tags.NAMESPACE_TAG)
            .value(Lab.NAMESPACE).build())));
    lab.clients.s3().putObject(b -> b.bucket("lab-left-bucket").key("a.txt"),
        RequestBody.fromString("a"));
    // An untagged gateway of the same shape belongs to nobody labflow knows: it stays.
    String lookAlike = ec2.createInternetGateway(b -> {}).internetGateway().internetGatewayId();

    LabResources found = lab.inventory.listLabResources(new LabInput(labId));
    assertThat(found.get(ResourceKind.VPCS)).containsExactly(vpc);
    assertThat(found.get(ResourceKind.SUBNETS)).containsExactly(subnet);
    assertThat(found.get(ResourceKind.INTERNET_GATEWAYS)).containsExactly(igw);
    assertThat(found.get(ResourceKind.ROUTE_TABLES)).containsExactly(rtb);
    assertThat(found.get(ResourceKind.SECURITY_GROUPS)).containsExactly(sg);
    assertThat(found.get(ResourceKind.INSTANCES)).containsExactly(instance);
    assertThat(found.get(ResourceKind.NETWORK_INTERFACES)).hasSize(1);
    assertThat(found.get(ResourceKind.BUCKETS)).containsExactly("lab-left-bucket");
    assertThat(found.get(ResourceKind.OBJECTS)).singleElement()
        .satisfies(o -> assertThat(o).startsWith("lab-left-bucket/a.txt#"));

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.blocked()).isEmpty();
    assertThat(out.remaining().noneTagged()).as("remaining %s", out.remaining()).isTrue();
    assertThat(out.deleted().get(ResourceKind.INTERNET_GATEWAYS)).containsExactly(igw);
    assertThat(out.deleted().get(ResourceKind.VPCS)).containsExactly(vpc);
    assertThat(out.deleted().get(ResourceKind.BUCKETS)).containsExactly("lab-left-bucket");
    assertThat(ec2.describeInternetGateways().internetGateways())
        .extracting(g -> g.internetGatewayId()).containsExactly(lookAlike);
    assertThat(ec2.describeVpcs().vpcs()).extracting(v -> v.vpcId()).doesNotContain(vpc);
    assertThat(ec2.describeNetworkInterfaces().networkInterfaces()).isEmpty();
  }

  /**
   * A sweep Temporal tries again reports what its earlier attempts deleted too: each heartbeat
   * carries what the sweep deleted so far, and the next attempt starts from the last one's. Before,
   * the reset reported only the last attempt's deletions.
   */
  @Test
  void aSweepTriedAgainReportsWhatItsEarlierAttemptsDeleted() {
    String labId = "lab-again";
    String igw = lab.clients.ec2().createInternetGateway(b -> b.tagSpecifications(
        tags(ResourceType.INTERNET_GATEWAY, labId))).internetGateway().internetGatewayId();
    LabResources.Builder earlier = new LabResources.Builder(labId);
    earlier.add(ResourceKind.ROLES, "labflow-lab-again-role");
    lab.previousAttemptHeartbeat(
        new LabSweep.Progress("deleted role labflow-lab-again-role", earlier.build()));
    List<LabSweep.Progress> beats = lab.recordHeartbeats(LabSweep.Progress.class);

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.remaining().noneTagged()).as("remaining %s", out.remaining()).isTrue();
    assertThat(out.deleted().get(ResourceKind.ROLES)).containsExactly("labflow-lab-again-role");
    assertThat(out.deleted().get(ResourceKind.INTERNET_GATEWAYS)).containsExactly(igw);
    // Every heartbeat carries what the sweep deleted so far (the SDK sends one, then throttles).
    assertThat(beats).isNotEmpty().allSatisfy(b -> assertThat(b.deleted().get(ResourceKind.ROLES))
        .containsExactly("labflow-lab-again-role"));
    System.out.println("[figures] sweep heartbeats sent: " + beats);
  }

  /**
   * A detached network interface in the lab's subnet, tagged {@code labflow:lab} but in no
   * namespace, is not the lab's: the sweep lists it (it is in the lab's subnet) but leaves it.
   */
  @Test
  void aDetachedInterfaceTaggedForTheLabInNoNamespaceIsLeft() {
    Ec2Client ec2 = lab.clients.ec2();
    String labId = "lab-eni";
    String vpc = ec2.createVpc(b -> b.cidrBlock("10.8.0.0/16")
        .tagSpecifications(tags(ResourceType.VPC, labId))).vpc().vpcId();
    String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.8.1.0/24")
        .tagSpecifications(tags(ResourceType.SUBNET, labId))).subnet().subnetId();
    String eni = ec2.createNetworkInterface(b -> b.subnetId(subnet).tagSpecifications(
        TagSpecification.builder().resourceType(ResourceType.NETWORK_INTERFACE)
            .tags(Tag.builder().key(Tags.LAB_TAG).value(labId).build()).build()))
        .networkInterface().networkInterfaceId();

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.deleted().get(ResourceKind.NETWORK_INTERFACES)).isEmpty();
    assertThat(ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(eni)).networkInterfaces())
        .extracting(n -> n.networkInterfaceId()).containsExactly(eni);
  }

  /**
   * A stack whose bucket name is taken by an untagged bucket: it rolls back (as on AWS; the moto
   * launcher makes moto do so) and stays ROLLBACK_COMPLETE until deleted.
   */
  private void rolledBackStack(String labId) throws Exception {
    lab.clients.s3().createBucket(b -> b.bucket("labflow-" + labId));
    String body = Files.readString(Lab.definitionsDir().resolve("templates/lab-environment.yaml"));
    lab.clients.cloudFormation().createStack(b -> b
        .stackName("labflow-" + labId)
        .templateBody(body)
        .parameters(
            p -> p.parameterKey("LabId").parameterValue(labId),
            p -> p.parameterKey("LabNamespace").parameterValue(Lab.NAMESPACE),
            p -> p.parameterKey("LabRun").parameterValue(""),
            p -> p.parameterKey("BucketName").parameterValue("labflow-" + labId))
        .tags(t -> t.key(Tags.LAB_TAG).value(labId),
            t -> t.key(Tags.NAMESPACE_TAG).value(Lab.NAMESPACE)));
    assertThat(lab.clients.cloudFormation()
            .describeStacks(b -> b.stackName("labflow-" + labId)).stacks().get(0)
            .stackStatusAsString())
        .isEqualTo("ROLLBACK_COMPLETE");
  }

  @Test
  void aStackRolledBackForATakenBucketNameIsDeletedAndTheLookAlikeStays() throws Exception {
    rolledBackStack("lab-stuck");

    var out = lab.cfn.deleteStack(new DeleteStackInput("lab-stuck", "labflow-lab-stuck"));

    assertThat(out.deleted()).isTrue();
    LabResources left = lab.inventory.listLabResources(new LabInput("lab-stuck"));
    assertThat(left.noneTagged()).as("left %s", left).isTrue();
    // The untagged look-alike bucket is someone else's: still there.
    assertThat(lab.clients.s3().listBuckets().buckets()).extracting(b -> b.name())
        .containsExactly("labflow-lab-stuck");
  }

  @Test
  void aBrokenStackOfOneLabDoesNotBreakAnotherLabsSweepAndItsOwnSweepDeletesIt()
      throws Exception {
    CreateStackOutput healthy =
        lab.cfn.createStack(
            MotoLabTest.labStack("lab-ok", "labflow-lab-ok", "labflow-lab-ok"));
    rolledBackStack("lab-broken");

    DeleteLabResourcesOutput ok = lab.inventory.deleteLabResources(new LabInput("lab-ok"));

    assertThat(ok.blocked()).isEmpty();
    assertThat(ok.deleted().get(ResourceKind.STACKS)).containsExactly("labflow-lab-ok");
    assertThat(ok.remaining().noneTagged()).as("remaining %s", ok.remaining()).isTrue();
    assertThat(healthy.stackId()).isNotBlank();
    assertThat(listAll.count.get()).as("list-all DescribeStacks calls").isZero();

    // The broken lab's own sweep deletes its rolled back stack, and leaves the look-alike.
    DeleteLabResourcesOutput broken = lab.inventory.deleteLabResources(new LabInput("lab-broken"));
    assertThat(broken.deleted().get(ResourceKind.STACKS)).containsExactly("labflow-lab-broken");
    assertThat(broken.complete()).as("blocked %s, remaining %s", broken.blocked(),
        broken.remaining()).isTrue();
    assertThat(lab.clients.s3().listBuckets().buckets()).extracting(b -> b.name())
        .containsExactly("labflow-lab-broken");
    assertThat(listAll.count.get()).isZero();
  }

  /**
   * A lab bucket whose object S3 refuses to delete (here a bucket policy; on AWS also object lock
   * or a worker without s3:DeleteObjectVersion): DeleteObjects answers 200 with an error for that
   * key. The sweep names the object and the error, not only the BucketNotEmpty that follows.
   */
  @Test
  void anObjectS3RefusesToDeleteIsNamedWithItsError() {
    String labId = "lab-kept";
    String bucket = "lab-kept-bucket";
    lab.clients.s3().createBucket(b -> b.bucket(bucket));
    lab.clients.s3().putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(
        software.amazon.awssdk.services.s3.model.Tag.builder().key(Tags.LAB_TAG).value(labId)
            .build(),
        software.amazon.awssdk.services.s3.model.Tag.builder().key(Tags.NAMESPACE_TAG)
            .value(Lab.NAMESPACE).build())));
    lab.clients.s3().putObject(b -> b.bucket(bucket).key("kept.txt"), RequestBody.fromString("k"));
    lab.clients.s3().putBucketPolicy(b -> b.bucket(bucket).policy("{\"Version\":\"2012-10-17\","
        + "\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
        + "\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}"));

    DeleteLabResourcesOutput out = lab.inventory.deleteLabResources(new LabInput(labId));

    assertThat(out.remaining().get(ResourceKind.BUCKETS)).containsExactly(bucket);
    assertThat(out.blocked()).singleElement().asString()
        .startsWith("bucket " + bucket + ": ").contains("kept.txt").contains("AccessDenied");
  }
}
