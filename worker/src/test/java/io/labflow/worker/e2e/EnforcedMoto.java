package io.labflow.worker.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
 * create there.
 */
final class EnforcedMoto implements AutoCloseable {

  private final ManagedProcess process;
  private final String endpoint;
  final String adminArn;
  private final String keyId;
  private final String secret;

  EnforcedMoto(Path logDir) throws Exception {
    int port = LocalStack.Stack.freePort();
    endpoint = "http://127.0.0.1:" + port;
    process = ManagedProcess.start("moto-enforced",
        io.labflow.activities.testing.MotoServer.command(port), Map.of(), logDir);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline || !process.alive()) {
        throw new IllegalStateException("moto did not start\n" + process.tail());
      }
      Thread.sleep(200);
    }
    // Three unauthenticated requests make the administrator; then every request is checked.
    http.send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/reset-auth"))
        .POST(HttpRequest.BodyPublishers.ofString("3")).build(), HttpResponse.BodyHandlers.discarding());
    try (IamClient bootstrap = iam("testing", "testing")) {
      adminArn = bootstrap.createUser(b -> b.userName("labflow-worker")).user().arn();
      bootstrap.putUserPolicy(b -> b.userName("labflow-worker").policyName("admin").policyDocument(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
      var key = bootstrap.createAccessKey(b -> b.userName("labflow-worker")).accessKey();
      keyId = key.accessKeyId();
      secret = key.secretAccessKey();
    }
  }

  String endpoint() {
    return endpoint;
  }

  /** A worker's environment on this moto, as the administrator (moto-generated, not a secret). */
  Map<String, String> awsEnv() {
    return Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", keyId, "AWS_SECRET_ACCESS_KEY", secret);
  }

  private IamClient iam(String id, String key) {
    return IamClient.builder().endpointOverride(URI.create(endpoint)).region(Region.AWS_GLOBAL)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, key)))
        .build();
  }

  IamClient iam() {
    return iam(keyId, secret);
  }

  /** Kind -> names, only kinds with something in them (the administrator user is not counted). */
  Map<String, List<String>> inventory() {
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret));
    URI uri = URI.create(endpoint);
    Map<String, List<String>> found = new TreeMap<>();
    try (IamClient iam = iam();
        CloudFormationClient cfn = CloudFormationClient.builder().endpointOverride(uri)
            .region(Region.US_EAST_1).credentialsProvider(creds).build();
        Ec2Client ec2 = Ec2Client.builder().endpointOverride(uri).region(Region.US_EAST_1)
            .credentialsProvider(creds).build();
        S3Client s3 = S3Client.builder().endpointOverride(uri).region(Region.US_EAST_1)
            .credentialsProvider(creds).forcePathStyle(true).build()) {
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
    process.close();
  }
}
