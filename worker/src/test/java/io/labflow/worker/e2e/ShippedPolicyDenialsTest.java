package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.testing.MotoProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What the shipped worker policy refuses, request by request, on the local stack's moto whose IAM
 * evaluator checks resources and conditions ({@code LABFLOW_WORKER_AS=policy}: the role {@code
 * worker-labflow} holding exactly {@code definitions/worker-policy.json}, assumed). Every request
 * uses an action the policy grants somewhere, so only its resource scoping or its conditions deny
 * it; each is answered with AWS's error code and message, and nothing changes.
 *
 * <p>What IAM cannot tell apart, labflow's own ownership check does: a lab role of this site
 * ({@code labflow-*}, tagged) of another lab is the policy's to change; the code refuses it
 * ({@code NotOwned}, TagsTest).
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
@Tag("moto")
class ShippedPolicyDenialsTest {

  static final String ACCOUNT = "123456789012";
  static final String ALLOW_ALL =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
  static final String TEMPLATE = "{\"Resources\":{\"Net\":{\"Type\":\"AWS::EC2::VPC\","
      + "\"Properties\":{\"CidrBlock\":\"10.8.0.0/16\"}}}}";

  @TempDir static Path logs;
  static EnforcedMoto moto;
  static AwsCredentials worker;

  @BeforeAll
  static void start() throws Exception {
    moto = new EnforcedMoto(logs, "moto-denials", MotoProcess.WorkerAs.POLICY);
    Map<String, String> env = moto.workerEnv();
    worker = AwsSessionCredentials.create(env.get("AWS_ACCESS_KEY_ID"),
        env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN"));
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.close();
    }
  }

  static <B extends AwsClientBuilder<B, C>, C> C client(B builder, AwsCredentials as, Region region) {
    return builder.endpointOverride(URI.create(moto.endpoint())).region(region)
        .credentialsProvider(StaticCredentialsProvider.create(as)).build();
  }

  static List<software.amazon.awssdk.services.iam.model.Tag> iamTags(String lab) {
    return List.of(software.amazon.awssdk.services.iam.model.Tag.builder().key("labflow:lab").value(lab).build(),
        software.amazon.awssdk.services.iam.model.Tag.builder().key("labflow:namespace").value("default").build());
  }

  record Request(String what, String code, String action, Runnable call) {}

  @Test
  void everyRequestOutsideWhatLabflowNamesAndTagsIsDeniedWithAwsErrorCodeAndChangesNothing()
      throws Exception {
    AwsCredentials admin = AwsBasicCredentials.create(
        moto.awsEnv().get("AWS_ACCESS_KEY_ID"), moto.awsEnv().get("AWS_SECRET_ACCESS_KEY"));
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"AWS\":\"" + moto.trustedPrincipalArn() + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    try (IamClient aIam = client(IamClient.builder(), admin, Region.AWS_GLOBAL);
        Ec2Client aEc2 = client(Ec2Client.builder(), admin, Region.US_EAST_1);
        S3Client aS3 = client(S3Client.builder().forcePathStyle(true), admin, Region.US_EAST_1);
        CloudFormationClient aCfn = client(CloudFormationClient.builder(), admin, Region.US_EAST_1);
        IamClient iam = client(IamClient.builder(), worker, Region.AWS_GLOBAL);
        Ec2Client ec2 = client(Ec2Client.builder(), worker, Region.US_EAST_1);
        S3Client s3 = client(S3Client.builder().forcePathStyle(true), worker, Region.US_EAST_1);
        CloudFormationClient cfn = client(CloudFormationClient.builder(), worker, Region.US_EAST_1);
        StsClient sts = client(StsClient.builder(), worker, Region.US_EAST_1)) {
      // A lab role of this site; a role outside the prefix; untagged look-alikes; another site's
      // lab (tagged, named outside labflow-*); an administrator policy; EC2 resources and stacks
      // labflow did not make.
      aIam.createRole(b -> b.roleName("labflow-lp-neg-role").assumeRolePolicyDocument(trust).tags(iamTags("lp-neg")));
      aIam.createRole(b -> b.roleName("app-role").assumeRolePolicyDocument(trust).tags(iamTags("lp-neg")));
      aIam.createRole(b -> b.roleName("labflow-lookalike-role").assumeRolePolicyDocument(trust));
      aIam.createPolicy(b -> b.policyName("labflow-lookalike-policy").policyDocument(ALLOW_ALL));
      aIam.createInstanceProfile(b -> b.instanceProfileName("labflow-lookalike-profile"));
      aIam.createRole(b -> b.roleName("acme-lp-other-role").assumeRolePolicyDocument(trust).tags(iamTags("lp-other")));
      aIam.createPolicy(b -> b.policyName("acme-lp-other-policy").policyDocument(ALLOW_ALL).tags(iamTags("lp-other")));
      aIam.createInstanceProfile(b -> b.instanceProfileName("acme-lp-other-profile").tags(iamTags("lp-other")));
      aIam.createPolicy(b -> b.policyName("other-admin").policyDocument(ALLOW_ALL));
      aS3.createBucket(b -> b.bucket("acme-lp-other-bucket"));
      aS3.putBucketTagging(b -> b.bucket("acme-lp-other-bucket").tagging(t -> t.tagSet(
          software.amazon.awssdk.services.s3.model.Tag.builder().key("labflow:lab").value("lp-other").build())));
      String vpc = aEc2.createVpc(b -> b.cidrBlock("10.9.0.0/16")).vpc().vpcId();
      String subnet = aEc2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.1.0/24")).subnet().subnetId();
      String igw = aEc2.createInternetGateway().internetGateway().internetGatewayId();
      aEc2.attachInternetGateway(b -> b.internetGatewayId(igw).vpcId(vpc));
      String sg = aEc2.createSecurityGroup(b -> b.groupName("app").description("app").vpcId(vpc)).groupId();
      String rtb = aEc2.createRouteTable(b -> b.vpcId(vpc)).routeTable().routeTableId();
      String ami = aEc2.describeImages().images().get(0).imageId();
      String instance = aEc2.runInstances(b -> b.imageId(ami).minCount(1).maxCount(1).subnetId(subnet))
          .instances().get(0).instanceId();
      aCfn.createStack(b -> b.stackName("other-stack").templateBody(TEMPLATE));
      aCfn.createStack(b -> b.stackName("labflow-lookalike").templateBody(TEMPLATE));
      Map<String, List<String>> before = moto.completeInventory();
      String arn = "arn:aws:iam::" + ACCOUNT + ":";

      List<Request> requests = List.of(
          new Request("another site's lab role", "AccessDenied", "iam:DeleteRole",
              () -> iam.deleteRole(b -> b.roleName("acme-lp-other-role"))),
          new Request("another site's lab policy", "AccessDenied", "iam:DeletePolicy",
              () -> iam.deletePolicy(b -> b.policyArn(arn + "policy/acme-lp-other-policy"))),
          new Request("another site's lab profile", "AccessDenied", "iam:DeleteInstanceProfile",
              () -> iam.deleteInstanceProfile(b -> b.instanceProfileName("acme-lp-other-profile"))),
          new Request("another site's lab bucket", "AccessDenied", "s3:DeleteBucket",
              () -> s3.deleteBucket(b -> b.bucket("acme-lp-other-bucket"))),
          new Request("an object into another site's lab bucket", "AccessDenied", "s3:PutObject",
              () -> s3.putObject(b -> b.bucket("acme-lp-other-bucket").key("x"), RequestBody.fromString("x"))),
          new Request("an untagged look-alike role", "AccessDenied", "iam:DeleteRole",
              () -> iam.deleteRole(b -> b.roleName("labflow-lookalike-role"))),
          new Request("the trust of an untagged look-alike role", "AccessDenied", "iam:UpdateAssumeRolePolicy",
              () -> iam.updateAssumeRolePolicy(b -> b.roleName("labflow-lookalike-role").policyDocument(trust))),
          new Request("an untagged look-alike policy", "AccessDenied", "iam:DeletePolicy",
              () -> iam.deletePolicy(b -> b.policyArn(arn + "policy/labflow-lookalike-policy"))),
          new Request("an untagged look-alike profile", "AccessDenied", "iam:DeleteInstanceProfile",
              () -> iam.deleteInstanceProfile(b -> b.instanceProfileName("labflow-lookalike-profile"))),
          new Request("a role outside the prefix, though tagged", "AccessDenied", "iam:DeleteRole",
              () -> iam.deleteRole(b -> b.roleName("app-role"))),
          new Request("assuming a role outside the prefix that trusts the worker", "AccessDenied",
              "sts:AssumeRole", () -> sts.assumeRole(b -> b.roleArn(arn + "role/app-role").roleSessionName("probe"))),
          new Request("simulating a role outside the prefix", "AccessDenied", "iam:SimulatePrincipalPolicy",
              () -> iam.simulatePrincipalPolicy(b -> b.policySourceArn(arn + "role/app-role").actionNames("s3:GetObject"))),
          new Request("attaching a policy outside the prefix to a lab role", "AccessDenied", "iam:AttachRolePolicy",
              () -> iam.attachRolePolicy(b -> b.roleName("labflow-lp-neg-role").policyArn(arn + "policy/other-admin"))),
          new Request("creating a lab role without the lab tag", "AccessDenied", "iam:CreateRole",
              () -> iam.createRole(b -> b.roleName("labflow-lp-neg-untagged").assumeRolePolicyDocument(trust))),
          new Request("passing a lab role to another service (CloudFormation)", "AccessDenied", "iam:PassRole",
              () -> cfn.createStack(b -> b.stackName("labflow-lp-neg-pass").templateBody(TEMPLATE)
                  .roleARN(arn + "role/labflow-lp-neg-role")
                  .tags(software.amazon.awssdk.services.cloudformation.model.Tag.builder()
                      .key("labflow:lab").value("lp-neg").build()))),
          new Request("an untagged VPC", "UnauthorizedOperation", "ec2:DeleteVpc",
              () -> ec2.deleteVpc(b -> b.vpcId(vpc))),
          new Request("an untagged subnet", "UnauthorizedOperation", "ec2:DeleteSubnet",
              () -> ec2.deleteSubnet(b -> b.subnetId(subnet))),
          new Request("detaching an untagged internet gateway", "UnauthorizedOperation", "ec2:DetachInternetGateway",
              () -> ec2.detachInternetGateway(b -> b.internetGatewayId(igw).vpcId(vpc))),
          new Request("an untagged internet gateway", "UnauthorizedOperation", "ec2:DeleteInternetGateway",
              () -> ec2.deleteInternetGateway(b -> b.internetGatewayId(igw))),
          new Request("an untagged security group", "UnauthorizedOperation", "ec2:DeleteSecurityGroup",
              () -> ec2.deleteSecurityGroup(b -> b.groupId(sg))),
          new Request("an untagged route table", "UnauthorizedOperation", "ec2:DeleteRouteTable",
              () -> ec2.deleteRouteTable(b -> b.routeTableId(rtb))),
          new Request("an untagged instance", "UnauthorizedOperation", "ec2:TerminateInstances",
              () -> ec2.terminateInstances(b -> b.instanceIds(instance))),
          new Request("a profile onto an untagged instance", "UnauthorizedOperation", "ec2:AssociateIamInstanceProfile",
              () -> ec2.associateIamInstanceProfile(b -> b.instanceId(instance)
                  .iamInstanceProfile(p -> p.name("labflow-lookalike-profile")))),
          new Request("a VPC created directly, not through CloudFormation", "UnauthorizedOperation", "ec2:CreateVpc",
              () -> ec2.createVpc(b -> b.cidrBlock("10.7.0.0/16"))),
          new Request("a stack not named by labflow", "AccessDenied", "cloudformation:DeleteStack",
              () -> cfn.deleteStack(b -> b.stackName("other-stack"))),
          new Request("an untagged look-alike stack", "AccessDenied", "cloudformation:DeleteStack",
              () -> cfn.deleteStack(b -> b.stackName("labflow-lookalike"))),
          new Request("a lab stack without the lab tag", "AccessDenied", "cloudformation:CreateStack",
              () -> cfn.createStack(b -> b.stackName("labflow-lp-neg-untagged").templateBody(TEMPLATE))));

      SoftAssertions softly = new SoftAssertions();
      List<String> answered = new ArrayList<>();
      for (Request r : requests) {
        AwsServiceException e = catchThrowableOfType(AwsServiceException.class, r.call()::run);
        softly.assertThat(e).as("%s (%s) was allowed", r.what(), r.action()).isNotNull();
        if (e != null) {
          answered.add(r.action() + " " + e.awsErrorDetails().errorCode());
          softly.assertThat(e.awsErrorDetails().errorCode()).as(r.what()).isEqualTo(r.code());
          softly.assertThat(e.awsErrorDetails().errorMessage()).as(r.what())
              .contains(moto.trustedPrincipalArn().replace(":iam:", ":sts:").replace(":role/", ":assumed-role/"))
              .contains("is not authorized to perform: " + r.action() + " on resource: ");
        }
      }
      softly.assertAll();
      System.out.println(requests.size() + " requests as the shipped policy, all denied: " + answered);
      assertThat(requests).hasSizeGreaterThanOrEqualTo(15);
      assertThat(moto.completeInventory()).as("the emulator after the denied requests").isEqualTo(before);
      // The same principal may do what labflow does: assume a lab role that trusts it.
      assertThat(sts.assumeRole(b -> b.roleArn(arn + "role/labflow-lp-neg-role").roleSessionName("probe"))
          .assumedRoleUser().arn()).endsWith("assumed-role/labflow-lp-neg-role/probe");
    }
  }
}
