package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.learner.LearnerAccessActivities.CreateLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.LearnerAccessOutput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Learner mode under IAM enforcement, as a learner works: labs made with their learner access by
 * the activities, run as a worker holding exactly the shipped worker policy (so the tests also
 * prove that policy grants what learner access calls); each lab's learner acts through the AWS SDK
 * with the issued session, as a person would.
 */
abstract class LearnerSessionsOnMoto {

  static final String ACCOUNT = "123456789012";
  static final String IAM = "arn:aws:iam::" + ACCOUNT;
  static final String TRUST_EC2 =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
          + "{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  String admin;
  Admin adm;
  AwsClients clients;
  LearnerAccessActivities access;

  /** The administrator's clients: the test's setup and inspection. */
  record Admin(IamClient iam, S3Client s3, Ec2Client ec2, StsClient sts) implements AutoCloseable {
    static Admin of(AwsCredentialsProvider credentials) {
      URI endpoint = URI.create(MotoServer.endpoint());
      return new Admin(
          IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
              .credentialsProvider(credentials).build(),
          S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
              .forcePathStyle(true).credentialsProvider(credentials).build(),
          Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
              .credentialsProvider(credentials).build(),
          StsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
              .credentialsProvider(credentials).build());
    }

    @Override
    public void close() {
      iam.close();
      s3.close();
      ec2.close();
      sts.close();
    }
  }

  /** One lab: its bucket, its tagged instance, its learner access, the learner's own clients. */
  record LabOf(String id, String bucket, String instance, LearnerAccessOutput access,
      Instant notBefore, IamClient iam, Ec2Client ec2) {
    String role() {
      return "labflow-" + id + "-role";
    }

    String policy() {
      return "labflow-" + id + "-s3";
    }

    /** The instance profile: named like the role, as the IAM console names it. */
    String profile() {
      return role();
    }

    String policyArn() {
      return IAM + ":policy/" + policy();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    admin = MotoServer.enforceIamWithAdmin();
    adm = Admin.of(StaticCredentialsProvider.create(AwsBasicCredentials.create(
        System.getProperty("aws.accessKeyId"), System.getProperty("aws.secretAccessKey"))));
    adm.iam().createUser(b -> b.userName("labflow-worker"));
    for (int part = 1; Files.exists(policyPart(part)); part++) {
      String document = Files.readString(policyPart(part));
      String name = "worker-policy-" + part;
      String arn = adm.iam().createPolicy(b -> b.policyName(name).policyDocument(document))
          .policy().arn();
      adm.iam().attachUserPolicy(b -> b.userName("labflow-worker").policyArn(arn));
    }
    var key = adm.iam().createAccessKey(b -> b.userName("labflow-worker")).accessKey();
    MotoServer.useCredentials(key.accessKeyId(), key.secretAccessKey());
    clients = AwsClients.fromEnvironment();
    access = (LearnerAccessActivities) StepLibrary.implementations(clients, Lab.definitionsDir())
        .stream().filter(i -> i instanceof LearnerAccessActivities).findFirst().orElseThrow();
  }

  static Path policyPart(int part) {
    return Lab.definitionsDir().resolve("worker-policy-" + part + ".json");
  }

  @AfterEach
  void tearDown() {
    clients.close();
    adm.close();
  }

  LabOf lab(String id) {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String bucket = "labflow-" + id + "-bucket";
    adm.s3().createBucket(b -> b.bucket(bucket));
    String instance = adm.ec2().runInstances(b -> b.imageId("ami-12c6146b").minCount(1)
        .maxCount(1).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
            .tags(g -> g.key("labflow:lab").value(id)))).instances().get(0).instanceId();
    LearnerAccessOutput out = access.createLearnerAccess(new CreateLearnerAccessInput(
        id, "labflow-" + id + "-learner", "labflow-" + id + "-boundary", admin, bucket, instance));
    var c = adm.sts().assumeRole(b -> b.roleArn(out.learnerRoleArn()).roleSessionName("learner")
        .durationSeconds(3600)).credentials();
    var session = StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    URI endpoint = URI.create(MotoServer.endpoint());
    return new LabOf(id, bucket, instance, out, notBefore,
        IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL)
            .credentialsProvider(session).build(),
        Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
            .credentialsProvider(session).build());
  }

  static String policyFor(String bucket, String... actions) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\""
        + String.join("\",\"", actions) + "\"],\"Resource\":[\"arn:aws:s3:::" + bucket
        + "\",\"arn:aws:s3:::" + bucket + "/*\"]}]}";
  }

  /** Every tutorial step, as the learner of {@code lab}, on {@code lab}'s names. */
  static void everyStep(LabOf lab) {
    lab.iam().createRole(b -> b.roleName(lab.role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(lab.access().boundaryPolicyArn()));
    lab.iam().updateAssumeRolePolicy(b -> b.roleName(lab.role()).policyDocument(TRUST_EC2));
    lab.iam().createPolicy(b -> b.policyName(lab.policy())
        .policyDocument(policyFor(lab.bucket(), "s3:ListBucket", "s3:GetObject")));
    lab.iam().attachRolePolicy(b -> b.roleName(lab.role()).policyArn(lab.policyArn()));
    lab.iam().createInstanceProfile(b -> b.instanceProfileName(lab.profile()));
    lab.iam().addRoleToInstanceProfile(b -> b.instanceProfileName(lab.profile()).roleName(lab.role()));
    lab.ec2().associateIamInstanceProfile(b -> b.instanceId(lab.instance())
        .iamInstanceProfile(p -> p.name(lab.profile())));
    assertThat(simulatePut(lab, lab.role())).isEqualTo("implicitDeny");
    lab.iam().createPolicyVersion(b -> b.policyArn(lab.policyArn()).setAsDefault(true)
        .policyDocument(policyFor(lab.bucket(), "s3:ListBucket", "s3:GetObject", "s3:PutObject")));
    assertThat(simulatePut(lab, lab.role())).isEqualTo("allowed");
  }

  static String simulatePut(LabOf lab, String role) {
    return lab.iam().simulatePrincipalPolicy(b -> b.policySourceArn(IAM + ":role/" + role)
        .actionNames("s3:PutObject").resourceArns("arn:aws:s3:::" + lab.bucket() + "/k"))
        .evaluationResults().get(0).evalDecisionAsString();
  }

  /** The call is denied with this code for this action on this resource. */
  static void denied(String code, String action, String resource, Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).as("%s on %s is denied", action, resource).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).as(action).isEqualTo(code);
    assertThat(e.awsErrorDetails().errorMessage()).as(action)
        .contains("is not authorized to perform: " + action + " on resource: " + resource + " ");
  }
}
