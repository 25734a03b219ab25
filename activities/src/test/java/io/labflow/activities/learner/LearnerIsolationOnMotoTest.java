package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.learner.LearnerAccessActivities.CreateLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessInput;
import io.labflow.activities.learner.LearnerAccessActivities.DeleteLearnerAccessOutput;
import io.labflow.activities.learner.LearnerAccessActivities.LearnerAccessOutput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
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
 * The isolation of learner mode (issue 22) under IAM enforcement: two labs A and B, each with its
 * learner access; A's learner, through the AWS SDK with the issued session as a person would, can
 * do every tutorial step on A's names and nothing on B's, cannot create a role without the
 * boundary, attach another policy, hand A's profile to B's instance or touch labflow's worker; after
 * A's DeleteLearnerAccess, A's session can do nothing, A's learner-made resources are gone and B's
 * and what the lab did not make are untouched.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Tag("moto")
class LearnerIsolationOnMotoTest {

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

    String profile() {
      return "labflow-" + id + "-profile";
    }

    String policyArn() {
      return IAM + ":policy/" + policy();
    }
  }

  /**
   * The activities run as a worker holding exactly the shipped worker policy, so the test also
   * proves that policy grants what learner access calls.
   */
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

  @Test
  void aLearnerDoesEveryStepOnItsLabAndNothingOnceItsAccessIsDeleted() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    everyStep(a);
    everyStep(b);

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", a.notBefore().toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", "association/" + a.instance(), "role/labflow-lab-a-role",
        "instance-profile/labflow-lab-a-profile", a.policyArn(),
        IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).isEmpty();
    denied("AccessDenied", "iam:GetRole", IAM + ":role/labflow-lab-a-role",
        () -> a.iam().getRole(r -> r.roleName(a.role())));
    denied("AccessDenied", "iam:CreateRole", IAM + ":role/labflow-lab-a-role",
        () -> a.iam().createRole(r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
            .permissionsBoundary(a.access().boundaryPolicyArn())));
    denied("AccessDenied", "iam:CreatePolicy", a.policyArn(),
        () -> a.iam().createPolicy(r -> r.policyName(a.policy())
            .policyDocument(policyFor(a.bucket(), "s3:ListBucket"))));
    denied("UnauthorizedOperation", "ec2:DescribeInstances", "*",
        () -> a.ec2().describeInstances());
    // A's work is gone; B's is all there, B's learner still works.
    assertThat(adm.iam().listRoles().roles()).extracting(r -> r.roleName())
        .containsExactlyInAnyOrder("labflow-lab-b-learner", "labflow-lab-b-role");
    assertThat(adm.iam().listPolicies(p -> p.scope("Local")).policies())
        .extracting(p -> p.policyName()).filteredOn(n -> n.startsWith("labflow-"))
        .containsExactlyInAnyOrder("labflow-lab-b-learner", "labflow-lab-b-boundary",
            "labflow-lab-b-s3");
    assertThat(adm.iam().listInstanceProfiles().instanceProfiles())
        .extracting(p -> p.instanceProfileName()).containsExactly("labflow-lab-b-profile");
    assertThat(adm.ec2().describeIamInstanceProfileAssociations().iamInstanceProfileAssociations())
        .extracting(x -> x.instanceId()).containsExactly(b.instance());
    assertThat(simulatePut(b, b.role())).isEqualTo("allowed");
  }

  @Test
  void aLearnerCanDoNothingOnAnotherLabsNamesNorLeaveItsBoundary() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    everyStep(b);
    String bRole = IAM + ":role/labflow-lab-b-role";
    String aRole = IAM + ":role/labflow-lab-a-role";

    // Without the boundary, or with B's: no role.
    denied("AccessDenied", "iam:CreateRole", aRole, () -> a.iam().createRole(
        r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:CreateRole", aRole, () -> a.iam().createRole(
        r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
            .permissionsBoundary(b.access().boundaryPolicyArn())));
    everyStep(a);
    // Every step on B's names.
    denied("AccessDenied", "iam:CreateRole", IAM + ":role/labflow-lab-b-role2",
        () -> a.iam().createRole(r -> r.roleName("labflow-lab-b-role2")
            .assumeRolePolicyDocument(TRUST_EC2).permissionsBoundary(a.access().boundaryPolicyArn())));
    denied("AccessDenied", "iam:UpdateAssumeRolePolicy", bRole, () -> a.iam()
        .updateAssumeRolePolicy(r -> r.roleName(b.role()).policyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:CreatePolicy", IAM + ":policy/labflow-lab-b-s3x",
        () -> a.iam().createPolicy(r -> r.policyName("labflow-lab-b-s3x")
            .policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:CreatePolicyVersion", b.policyArn(),
        () -> a.iam().createPolicyVersion(r -> r.policyArn(b.policyArn())
            .policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:DetachRolePolicy", bRole,
        () -> a.iam().detachRolePolicy(r -> r.roleName(b.role()).policyArn(b.policyArn())));
    denied("AccessDenied", "iam:AttachRolePolicy", bRole,
        () -> a.iam().attachRolePolicy(r -> r.roleName(b.role()).policyArn(a.policyArn())));
    denied("AccessDenied", "iam:CreateInstanceProfile", IAM + ":instance-profile/labflow-lab-b-p2",
        () -> a.iam().createInstanceProfile(r -> r.instanceProfileName("labflow-lab-b-p2")));
    denied("AccessDenied", "iam:RemoveRoleFromInstanceProfile",
        IAM + ":instance-profile/labflow-lab-b-profile", () -> a.iam()
            .removeRoleFromInstanceProfile(r -> r.instanceProfileName(b.profile()).roleName(b.role())));
    denied("AccessDenied", "iam:SimulatePrincipalPolicy", bRole, () -> simulatePut(a, b.role()));
    // Another policy on A's role, A's profile onto B's instance, B's role onto A's instance.
    String admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    denied("AccessDenied", "iam:AttachRolePolicy", aRole,
        () -> a.iam().attachRolePolicy(r -> r.roleName(a.role()).policyArn(admin)));
    denied("UnauthorizedOperation", "ec2:AssociateIamInstanceProfile",
        "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/" + b.instance(),
        () -> a.ec2().associateIamInstanceProfile(r -> r.instanceId(b.instance())
            .iamInstanceProfile(p -> p.name(a.profile()))));
    a.ec2().disassociateIamInstanceProfile(r -> r.associationId(a.ec2()
        .describeIamInstanceProfileAssociations().iamInstanceProfileAssociations().stream()
        .filter(x -> x.instanceId().equals(a.instance())).findFirst().orElseThrow().associationId()));
    denied("UnauthorizedOperation", "iam:PassRole", bRole,
        () -> a.ec2().associateIamInstanceProfile(r -> r.instanceId(a.instance())
            .iamInstanceProfile(p -> p.name(b.profile()))));
    // The boundary stays: neither removed nor replaced.
    denied("AccessDenied", "iam:DeleteRolePermissionsBoundary", aRole,
        () -> a.iam().deleteRolePermissionsBoundary(r -> r.roleName(a.role())));
    denied("AccessDenied", "iam:PutRolePermissionsBoundary", aRole,
        () -> a.iam().putRolePermissionsBoundary(r -> r.roleName(a.role())
            .permissionsBoundary(b.access().boundaryPolicyArn())));
    // Nothing on labflow's worker, nor on the learner role itself.
    String worker = IAM + ":role/worker-labflow";
    denied("AccessDenied", "iam:GetRole", worker,
        () -> a.iam().getRole(r -> r.roleName("worker-labflow")));
    denied("AccessDenied", "iam:AttachRolePolicy", worker,
        () -> a.iam().attachRolePolicy(r -> r.roleName("worker-labflow").policyArn(a.policyArn())));
    denied("AccessDenied", "iam:UpdateAssumeRolePolicy", worker, () -> a.iam()
        .updateAssumeRolePolicy(r -> r.roleName("worker-labflow").policyDocument(TRUST_EC2)));
    denied("AccessDenied", "iam:PutRolePolicy", IAM + ":role/labflow-lab-a-learner",
        () -> a.iam().putRolePolicy(r -> r.roleName("labflow-lab-a-learner").policyName("x")
            .policyDocument(policyFor(a.bucket(), "s3:GetObject"))));
    denied("AccessDenied", "iam:CreatePolicyVersion", IAM + ":policy/labflow-lab-a-learner",
        () -> a.iam().createPolicyVersion(r -> r.policyArn(IAM + ":policy/labflow-lab-a-learner")
            .setAsDefault(true).policyDocument(policyFor(b.bucket(), "s3:GetObject"))));
    assertThat(adm.iam().getRole(r -> r.roleName(a.role())).role().permissionsBoundary()
        .permissionsBoundaryArn()).isEqualTo(a.access().boundaryPolicyArn());
  }

  @Test
  void deleteLearnerAccessLeavesWhatTheLabDidNotMake() throws InterruptedException {
    // A policy of A's name from before the lab, and a profile of A's name tagged as B's.
    adm.iam().createPolicy(r -> r.policyName("labflow-lab-a-s3")
        .policyDocument(policyFor("labflow-lab-a-bucket", "s3:GetObject")));
    Instant created = adm.iam().getPolicy(r -> r.policyArn(IAM + ":policy/labflow-lab-a-s3"))
        .policy().createDate();
    LabOf a = lab("lab-a");
    // The lab started the second after (IAM's creation times are whole seconds: its own counts);
    // what the learner makes below is made from then on.
    Instant notBefore = created.plusSeconds(1);
    while (Instant.now().isBefore(notBefore)) {
      Thread.sleep(50);
    }
    adm.iam().createInstanceProfile(r -> r.instanceProfileName("labflow-lab-a-profile")
        .tags(t -> t.key("labflow:lab").value("lab-b")));
    a.iam().createRole(r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(a.access().boundaryPolicyArn()));
    a.iam().attachRolePolicy(r -> r.roleName(a.role()).policyArn(a.policyArn()));
    // A role of A's name made by someone else without the boundary gains nothing from A's learner.
    adm.iam().createRole(r -> r.roleName("labflow-lab-a-role-old").assumeRolePolicyDocument(TRUST_EC2));
    denied("AccessDenied", "iam:AttachRolePolicy", IAM + ":role/labflow-lab-a-role-old",
        () -> a.iam().attachRolePolicy(r -> r.roleName("labflow-lab-a-role-old")
            .policyArn(a.policyArn())));

    DeleteLearnerAccessInput in = new DeleteLearnerAccessInput(a.id(), "labflow-lab-a-learner",
        "labflow-lab-a-boundary", notBefore.toString(), a.role(), a.policy(), a.profile(),
        a.instance());
    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(in);
    DeleteLearnerAccessOutput again = access.deleteLearnerAccess(in);

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", "role/labflow-lab-a-role", IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).containsExactly(
        "instance profile labflow-lab-a-profile carries the tag labflow:lab=lab-b of another lab"
            + " (or namespace)",
        "policy " + a.policy() + " was created at " + created + ", before this lab started ("
            + notBefore + ")");
    assertThat(again.deleted()).isEmpty();
    assertThat(adm.iam().getPolicy(r -> r.policyArn(a.policyArn())).policy().attachmentCount())
        .isZero();
    assertThat(adm.iam().getInstanceProfile(r -> r.instanceProfileName(a.profile()))
        .instanceProfile().tags()).extracting(t -> t.value()).containsExactly("lab-b");
    assertThat(adm.iam().listRoles().roles()).extracting(r -> r.roleName())
        .containsExactly("labflow-lab-a-role-old");
  }

  @Test
  void deleteLearnerAccessSaysWhichNamespaceTagKeptAResource() {
    LabOf a = lab("lab-a");
    adm.iam().createInstanceProfile(r -> r.instanceProfileName(a.profile())
        .tags(t -> t.key("labflow:namespace").value("blue")));

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", Instant.EPOCH.toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.untouched())
        .containsExactly("instance profile labflow-lab-a-profile carries the tag"
            + " labflow:namespace=blue of another lab (or namespace)");
  }

  @Test
  void deleteLearnerAccessTakesWhatTheLearnerMadeInTheLabsFirstSecond() {
    LabOf a = lab("lab-a");
    a.iam().createPolicy(r -> r.policyName(a.policy())
        .policyDocument(policyFor(a.bucket(), "s3:GetObject")));
    Instant created = adm.iam().getPolicy(r -> r.policyArn(a.policyArn())).policy().createDate();
    // IAM's creation times are whole seconds: a lab started in that second, before the policy.
    Instant notBefore = created.truncatedTo(ChronoUnit.SECONDS).plusMillis(500);

    DeleteLearnerAccessOutput out = access.deleteLearnerAccess(new DeleteLearnerAccessInput(
        a.id(), "labflow-lab-a-learner", "labflow-lab-a-boundary", notBefore.toString(),
        a.role(), a.policy(), a.profile(), a.instance()));

    assertThat(out.deleted()).containsExactly("role/labflow-lab-a-learner",
        IAM + ":policy/labflow-lab-a-learner", a.policyArn(), IAM + ":policy/labflow-lab-a-boundary");
    assertThat(out.untouched()).isEmpty();
  }

  @Test
  void createLearnerAccessTwiceIsOneAccess() {
    LabOf a = lab("lab-a");
    LearnerAccessOutput again = access.createLearnerAccess(new CreateLearnerAccessInput(a.id(),
        "labflow-lab-a-learner", "labflow-lab-a-boundary", admin, a.bucket(), a.instance()));

    assertThat(again).isEqualTo(a.access());
    assertThat(adm.iam().listAttachedRolePolicies(r -> r.roleName("labflow-lab-a-learner"))
        .attachedPolicies()).extracting(p -> p.policyName()).containsExactly("labflow-lab-a-learner");
    assertThat(adm.iam().listPolicyVersions(r -> r.policyArn(a.access().boundaryPolicyArn()))
        .versions()).hasSize(1);
    assertThat(adm.iam().getRole(r -> r.roleName("labflow-lab-a-learner")).role()
        .maxSessionDuration()).isEqualTo(43200);
  }

  @Test
  void aNotBeforeThatIsNoInstantIsRefusedBeforeAnythingIsDeleted() {
    LabOf a = lab("lab-a");

    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class,
        () -> access.deleteLearnerAccess(new DeleteLearnerAccessInput(a.id(),
            "labflow-lab-a-learner", "labflow-lab-a-boundary", "yesterday", a.role(), a.policy(),
            a.profile(), a.instance())));

    assertThat(e.getType()).isEqualTo("InvalidInput");
    assertThat(e.isNonRetryable()).isTrue();
    assertThat(e.getOriginalMessage()).isEqualTo("DeleteLearnerAccess: input field 'notBefore' is"
        + " not an ISO-8601 instant (such as 2026-12-05T02:00:00Z): yesterday");
    assertThat(adm.iam().getRole(r -> r.roleName("labflow-lab-a-learner")).role().arn())
        .isEqualTo(a.access().learnerRoleArn());
  }
}
