package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.servicequotas.model.NoSuchResourceException;
import software.amazon.awssdk.services.servicequotas.model.ServiceQuota;

/**
 * AWS's default quotas in the local stack ({@code LABFLOW_AWS_QUOTAS}, scripts/lib/moto_quotas.py):
 * a create past a quota answers AWS's own error, also inside a CloudFormation stack (which then
 * rolls back, leaving nothing), and the Service Quotas API answers the applied and default values.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoQuotasTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-quotas",
      MotoProcess.Limits.NONE.withQuotas("default,L-A4707A72=2,L-FE177D64=2"));

  @Test
  void theFifthVpcBesideTheDefaultOneIsRefusedAsAwsDoes() {
    try (Ec2Client ec2 = moto.client(Ec2Client.builder())) {
      assertThat(ec2.describeVpcs().vpcs()).singleElement().satisfies(v -> assertThat(v.isDefault()).isTrue());
      for (int i = 0; i < 4; i++) {
        ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16"));
      }
      Ec2Exception refused =
          catchThrowableOfType(Ec2Exception.class, () -> ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16")));
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("VpcLimitExceeded");
      assertThat(refused.awsErrorDetails().errorMessage()).isEqualTo("The maximum number of VPCs has been reached.");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(ec2.describeVpcs().vpcs()).hasSize(5);

      ec2.createInternetGateway();
      ec2.createInternetGateway();
      assertThat(catchThrowableOfType(Ec2Exception.class, ec2::createInternetGateway)
          .awsErrorDetails().errorCode()).isEqualTo("InternetGatewayLimitExceeded");
    }
    try (IamClient iam = moto.client(IamClient.builder().region(Region.AWS_GLOBAL))) {
      String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
      iam.createRole(b -> b.roleName("r1").assumeRolePolicyDocument(trust));
      iam.createRole(b -> b.roleName("r2").assumeRolePolicyDocument(trust));
      IamException refused = catchThrowableOfType(IamException.class,
          () -> iam.createRole(b -> b.roleName("r3").assumeRolePolicyDocument(trust)));
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("LimitExceeded");
      assertThat(refused.awsErrorDetails().errorMessage()).isEqualTo("Cannot exceed quota for RolesPerAccount: 2");
      // A retried create of a role that exists still meets EntityAlreadyExists (labflow adopts on it).
      assertThat(catchThrowableOfType(IamException.class,
          () -> iam.createRole(b -> b.roleName("r1").assumeRolePolicyDocument(trust)))
          .awsErrorDetails().errorCode()).isEqualTo("EntityAlreadyExists");
    }
  }

  @Test
  void serviceQuotasAnswersTheAppliedAndTheDefaultValues() {
    try (ServiceQuotasClient quotas = moto.client(ServiceQuotasClient.builder())) {
      ServiceQuota vpcs = quotas.getServiceQuota(b -> b.serviceCode("vpc").quotaCode("L-F678F1CE")).quota();
      assertThat(vpcs.quotaName()).isEqualTo("VPCs per Region");
      assertThat(vpcs.value()).isEqualTo(5.0);
      assertThat(vpcs.quotaArn()).isEqualTo("arn:aws:servicequotas:us-east-1:123456789012:vpc/L-F678F1CE");
      assertThat(quotas.getServiceQuota(b -> b.serviceCode("vpc").quotaCode("L-A4707A72")).quota().value())
          .isEqualTo(2.0);
      assertThat(quotas.getAWSDefaultServiceQuota(b -> b.serviceCode("vpc").quotaCode("L-A4707A72"))
          .quota().value()).isEqualTo(5.0);
      assertThat(quotas.getServiceQuota(b -> b.serviceCode("ec2").quotaCode("L-0263D0A3")).quota().value())
          .isEqualTo(5.0);
      List<ServiceQuota> iam = quotas.listServiceQuotas(b -> b.serviceCode("iam")).quotas();
      assertThat(iam).extracting(ServiceQuota::quotaCode, ServiceQuota::value).contains(
          org.assertj.core.groups.Tuple.tuple("L-FE177D64", 2.0),
          org.assertj.core.groups.Tuple.tuple("L-E95E4862", 1500.0),
          org.assertj.core.groups.Tuple.tuple("L-6E65F664", 1000.0));
      assertThat(iam).allSatisfy(q -> assertThat(q.globalQuota()).isTrue());
      assertThat(quotas.listAWSDefaultServiceQuotas(b -> b.serviceCode("vpc")).quotas())
          .extracting(ServiceQuota::quotaCode).contains("L-F678F1CE", "L-A4707A72", "L-407747CB");
      assertThat(catchThrowableOfType(NoSuchResourceException.class,
          () -> quotas.getServiceQuota(b -> b.serviceCode("ec2").quotaCode("L-00000000")))).isNotNull();
    }
  }

  @Test
  void aStackWhoseVpcIsOverQuotaFailsAndRollsBackLeavingNothing() {
    String template = """
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties: {BucketName: labflow-quota-test}
          Gateway:
            Type: AWS::EC2::InternetGateway
            DependsOn: Bucket
          Vpc:
            Type: AWS::EC2::VPC
            DependsOn: Gateway
            Properties: {CidrBlock: 10.42.0.0/16}
        """;
    try (Ec2Client ec2 = moto.client(Ec2Client.builder());
        CloudFormationClient cfn = moto.client(CloudFormationClient.builder());
        S3Client s3 = moto.client(S3Client.builder())) {
      for (int i = 0; i < 4; i++) {
        ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16"));
      }
      String id = cfn.createStack(b -> b.stackName("over-quota").templateBody(template)).stackId();

      assertThat(cfn.describeStacks(b -> b.stackName(id)).stacks().get(0).stackStatusAsString())
          .isEqualTo("ROLLBACK_COMPLETE");
      List<StackEvent> events = cfn.describeStackEvents(b -> b.stackName(id)).stackEvents();
      assertThat(events).filteredOn(e -> e.resourceStatusAsString().equals("CREATE_FAILED"))
          .singleElement().satisfies(e -> {
            assertThat(e.logicalResourceId()).isEqualTo("Vpc");
            assertThat(e.resourceStatusReason()).contains("The maximum number of VPCs has been reached.")
                .contains("VpcLimitExceeded");
          });
      assertThat(ec2.describeVpcs().vpcs()).hasSize(5);
      assertThat(ec2.describeInternetGateways().internetGateways()).isEmpty();
      assertThat(s3.listBuckets().buckets()).isEmpty();
    }
  }
}
