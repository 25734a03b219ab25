package io.labflow.activities;

import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link LabInventoryActivities} over the AWS SDK, reusing the per-service delete logic. */
public final class LabInventoryActivitiesImpl implements LabInventoryActivities {

  private static final Logger log = LoggerFactory.getLogger(LabInventoryActivitiesImpl.class);

  private final CloudFormationClient cfn;
  private final Ec2Client ec2;
  private final IamClient iam;
  private final S3Client s3;
  private final S3Buckets buckets;
  private final IamActivitiesImpl iamActs;
  private final CloudFormationActivitiesImpl cfnActs;
  private final Ec2ActivitiesImpl ec2Acts;

  public LabInventoryActivitiesImpl(
      AwsClients clients,
      IamActivitiesImpl iamActs,
      CloudFormationActivitiesImpl cfnActs,
      Ec2ActivitiesImpl ec2Acts) {
    this.cfn = clients.cloudFormation();
    this.ec2 = clients.ec2();
    this.iam = clients.iam();
    this.s3 = clients.s3();
    this.buckets = new S3Buckets(clients.s3());
    this.iamActs = iamActs;
    this.cfnActs = cfnActs;
    this.ec2Acts = ec2Acts;
  }

  @Override
  public LabResources listLabResources(LabInput in) {
    String labId = Inputs.require(in.labId(), "labId", "ListLabResources");
    try {
      return inventory(labId);
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }

  @Override
  public DeleteLabResourcesOutput deleteLabResources(LabInput in) {
    String labId = Inputs.require(in.labId(), "labId", "DeleteLabResources");
    try {
      LabResources found = inventory(labId);
      List<String> instances = new ArrayList<>();
      for (String id : found.instances()) {
        Heartbeats.beat("disassociating " + id);
        if (ec2Acts.disassociate(id, null, labId).deleted()) {
          instances.add(id);
        }
      }
      List<String> profiles = new ArrayList<>();
      for (String name : found.instanceProfiles()) {
        Heartbeats.beat("deleting instance profile " + name);
        if (iamActs.deleteOwnedProfile(name, labId).deleted()) {
          profiles.add(name);
        }
      }
      List<String> roles = new ArrayList<>();
      for (String name : found.roles()) {
        Heartbeats.beat("deleting role " + name);
        if (iamActs.deleteOwnedRole(name, labId).deleted()) {
          roles.add(name);
        }
      }
      List<String> policies = new ArrayList<>();
      for (String arn : found.policies()) {
        Heartbeats.beat("deleting policy " + arn);
        if (iamActs.deleteOwnedPolicy(arn, labId).deleted()) {
          policies.add(arn);
        }
      }
      List<String> stacks = new ArrayList<>();
      for (String name : found.stacks()) {
        if (cfnActs.deleteOwned(name, labId).deleted()) {
          stacks.add(name);
        }
      }
      // Buckets outside any stack (or retained by one) would otherwise leak.
      List<String> deletedBuckets = new ArrayList<>();
      for (String bucket : labBuckets(labId)) {
        Heartbeats.beat("deleting bucket " + bucket);
        if (buckets.delete(bucket)) {
          deletedBuckets.add(bucket);
        }
      }
      LabResources deleted =
          new LabResources(
              labId, stacks, instances, List.of(), deletedBuckets, roles, policies, profiles);
      LabResources remaining = inventory(labId);
      if (!remaining.noneTagged()) {
        log.warn("lab {}: resources still tagged after teardown: {}", labId, remaining);
      }
      return new DeleteLabResourcesOutput(deleted, remaining);
    } catch (SdkException e) {
      throw AwsFailures.map(e);
    }
  }

  private LabResources inventory(String labId) {
    Heartbeats.beat("listing resources of " + labId);
    List<String> stacks = new ArrayList<>();
    for (Stack s : cfn.describeStacksPaginator(b -> {}).stacks()) {
      if (!CloudFormationActivitiesImpl.isGone(s) && CloudFormationActivitiesImpl.owned(s, labId)) {
        stacks.add(s.stackName());
      }
    }
    Filter tag = Filter.builder().name("tag:" + Tags.LAB_TAG).values(labId).build();
    List<String> instances = new ArrayList<>();
    for (Instance i : ec2.describeInstancesPaginator(b -> b.filters(tag)).reservations().stream()
        .flatMap(r -> r.instances().stream())
        .toList()) {
      String state = i.state().nameAsString();
      // The tag filter finds the lab id in every namespace; only this namespace's are the lab's.
      if (!"terminated".equals(state) && !"shutting-down".equals(state)
          && Tags.owned(i.tags(), software.amazon.awssdk.services.ec2.model.Tag::key,
              software.amazon.awssdk.services.ec2.model.Tag::value, labId)) {
        instances.add(i.instanceId());
      }
    }
    List<String> vpcs = new ArrayList<>();
    for (Vpc v : ec2.describeVpcsPaginator(b -> b.filters(tag)).vpcs()) {
      if (Tags.owned(v.tags(), software.amazon.awssdk.services.ec2.model.Tag::key,
          software.amazon.awssdk.services.ec2.model.Tag::value, labId)) {
        vpcs.add(v.vpcId());
      }
    }
    Heartbeats.beat("listing IAM resources of " + labId);
    List<String> roles = new ArrayList<>();
    for (Role r : iam.listRolesPaginator(b -> {}).roles()) {
      if (iamActs.roleOwned(r.roleName(), labId)) {
        roles.add(r.roleName());
      }
    }
    List<String> policies = new ArrayList<>();
    for (Policy p : iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies()) {
      if (iamActs.policyOwned(p.arn(), labId)) {
        policies.add(p.arn());
      }
    }
    List<String> profiles = new ArrayList<>();
    for (InstanceProfile p : iam.listInstanceProfilesPaginator(b -> {}).instanceProfiles()) {
      if (iamActs.profileOwned(p.instanceProfileName(), labId)) {
        profiles.add(p.instanceProfileName());
      }
    }
    return new LabResources(
        labId, stacks, instances, vpcs, labBuckets(labId), roles, policies, profiles);
  }

  private List<String> labBuckets(String labId) {
    List<String> out = new ArrayList<>();
    for (Bucket b : s3.listBucketsPaginator(r -> {}).buckets()) {
      try {
        if (buckets.ownedBy(b.name(), labId)) {
          out.add(b.name());
        }
      } catch (S3Exception e) {
        // A bucket in another region or with a restrictive bucket policy cannot be inspected from
        // here; it is reported and skipped rather than failing the whole inventory.
        log.warn("lab {}: cannot read tags of bucket {}: {}", labId, b.name(), AwsFailures.errorCode(e));
      }
    }
    return out;
  }
}
