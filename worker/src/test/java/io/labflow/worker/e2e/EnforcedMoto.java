package io.labflow.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.activities.testing.MotoProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A moto server of its own with IAM enforced and one administrator user, as {@code scripts/stack}
 * runs it (so the probe verification means something), and an inventory of everything a lab could
 * create there. With {@link MotoProcess.WorkerAs#POLICY} the worker is instead the role {@code
 * worker-labflow} holding exactly the shipped worker policy ({@code LABFLOW_WORKER_AS=policy}), and
 * the administrator is only the test's.
 */
final class EnforcedMoto implements AutoCloseable {

  private final MotoProcess moto;
  final String adminArn;
  private final String keyId;
  private final String secret;
  private final MotoProcess.Principals worker;

  /** A moto named {@code moto-enforced} whose administrator is {@code labflow-worker}. */
  EnforcedMoto(Path logDir) throws Exception {
    this(logDir, "moto-enforced", "labflow-worker");
  }

  EnforcedMoto(Path logDir, String name, String adminUser) throws Exception {
    this(logDir, name, adminUser, MotoProcess.Limits.NONE);
  }

  /** The same, with AWS's limits switched on as {@code limits} says. */
  EnforcedMoto(Path logDir, String name, String adminUser, MotoProcess.Limits limits)
      throws Exception {
    moto = MotoProcess.start(name, logDir, limits);
    try {
      MotoProcess.Admin admin = moto.enforceIamWithAdmin(adminUser);
      adminArn = admin.arn();
      keyId = admin.accessKeyId();
      secret = admin.secretAccessKey();
      worker = new MotoProcess.Principals(admin, keyId, secret, null, adminArn);
    } catch (Exception e) {
      moto.close();
      throw e;
    }
  }

  /** A moto named {@code name} whose worker is {@code as}, made as {@code scripts/stack up} does. */
  EnforcedMoto(Path logDir, String name, MotoProcess.WorkerAs as) throws Exception {
    moto = MotoProcess.start(name, logDir);
    try {
      worker = moto.enforceIam(as);
      adminArn = worker.admin().arn();
      keyId = worker.admin().accessKeyId();
      secret = worker.admin().secretAccessKey();
    } catch (Exception e) {
      moto.close();
      throw e;
    }
  }

  /** A worker's environment on this moto, as the worker's principal. */
  Map<String, String> workerEnv() {
    return moto.awsEnv(worker);
  }

  /** The ARN a lab's role trusts so that the worker may probe it. */
  String trustedPrincipalArn() {
    return worker.trustedPrincipalArn();
  }

  /**
   * Everything of every kind a lab can create, by {@code scripts/lib/moto_inventory.py} (the demo's
   * complete inventory, independent of labflow), read as the administrator.
   */
  Map<String, List<String>> completeInventory() throws Exception {
    JsonNode all = new ObjectMapper().readTree(
        MotoProcess.python("scripts/lib/moto_inventory.py", awsEnv(), "--json"));
    Map<String, List<String>> found = new TreeMap<>();
    all.fields().forEachRemaining(e -> {
      List<String> names = new ArrayList<>();
      e.getValue().forEach(n -> names.add(n.asText()));
      put(found, e.getKey(), names);
    });
    return found;
  }

  String endpoint() {
    return moto.endpoint();
  }

  ManagedProcess process() {
    return moto.process();
  }

  MotoProcess moto() {
    return moto;
  }

  /** A worker's environment on this moto, as the administrator (moto-generated, not a secret). */
  Map<String, String> awsEnv() {
    return moto.awsEnv(keyId, secret);
  }

  IamClient iam() {
    return moto.iam(keyId, secret);
  }

  /** A CloudFormation client of this moto, as the administrator. */
  CloudFormationClient cfn() {
    return CloudFormationClient.builder().endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1).credentialsProvider(credentials()).build();
  }

  /** An S3 client of this moto, as the administrator. */
  S3Client s3() {
    return S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
        .credentialsProvider(credentials()).forcePathStyle(true).build();
  }

  /** An EC2 client of this moto, as the administrator. */
  Ec2Client ec2() {
    return Ec2Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
        .credentialsProvider(credentials()).build();
  }

  private StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret));
  }

  /** Kind -> names, only kinds with something in them (the administrator user is not counted). */
  Map<String, List<String>> inventory() {
    Map<String, List<String>> found = new TreeMap<>();
    try (IamClient iam = iam();
        CloudFormationClient cfn = cfn();
        Ec2Client ec2 = ec2();
        S3Client s3 = s3()) {
      put(found, "stacks", cfn.describeStacksPaginator().stacks().stream()
          .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE).map(s -> s.stackName()).toList());
      put(found, "instances", ec2.describeInstancesPaginator().reservations().stream()
          .flatMap(r -> r.instances().stream())
          .filter(i -> i.state().name() != InstanceStateName.TERMINATED).map(i -> i.instanceId()).toList());
      put(found, "vpcs", ec2.describeVpcsPaginator().vpcs().stream()
          .filter(v -> !Boolean.TRUE.equals(v.isDefault())).map(v -> v.vpcId()).toList());
      put(found, "buckets", s3.listBuckets().buckets().stream().map(b -> b.name()).toList());
      put(found, "roles", iam.listRolesPaginator().roles().stream().map(r -> r.roleName()).toList());
      put(found, "policies", iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies()
          .stream().map(p -> p.policyName()).toList());
      put(found, "instanceProfiles", iam.listInstanceProfilesPaginator().instanceProfiles().stream()
          .map(p -> p.instanceProfileName()).toList());
    }
    return found;
  }

  private static void put(Map<String, List<String>> found, String kind, List<String> names) {
    if (!names.isEmpty()) {
      found.put(kind, names);
    }
  }

  @Override
  public void close() {
    moto.close();
  }
}
