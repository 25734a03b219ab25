package io.labflow.activities.permissions;

import static io.labflow.activities.permissions.PolicyScope.STACK_AMI_PARAMETER;
import static io.labflow.activities.permissions.PolicyScope.STACK_BUCKET;
import static io.labflow.activities.permissions.PolicyScope.STACK_EC2;

import io.labflow.activities.permissions.WorkerPermissions.Grant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The part of the worker's permissions CloudFormation uses on its behalf, by resource type. */
final class StackPermissions {

  /**
   * What CloudFormation calls with the worker's credentials (no service role) to create and
   * delete each resource type, after the types' handler permissions in the CloudFormation
   * registry; granted only through CloudFormation ({@code aws:CalledVia}). A template parameter of
   * an SSM parameter type is resolved the same way.
   */
  static final Map<String, List<Grant>> STACK_RESOURCES = stackResources();

  /** The template parameter type CloudFormation resolves from SSM with the caller's credentials. */
  static final String SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value";

  private StackPermissions() {}

  private static Map<String, List<Grant>> stackResources() {
    Map<String, List<Grant>> m = new LinkedHashMap<>();
    m.put("AWS::EC2::VPC", ec2("CreateVpc", "DescribeVpcs", "ModifyVpcAttribute",
        "DescribeVpcAttribute", "CreateTags", "DeleteVpc"));
    m.put("AWS::EC2::Subnet", ec2("CreateSubnet", "DescribeSubnets", "ModifySubnetAttribute",
        "DescribeAvailabilityZones", "CreateTags", "DeleteSubnet"));
    m.put("AWS::EC2::InternetGateway", ec2("CreateInternetGateway", "DescribeInternetGateways",
        "CreateTags", "DeleteInternetGateway"));
    m.put("AWS::EC2::VPCGatewayAttachment", ec2("AttachInternetGateway", "DetachInternetGateway",
        "DescribeInternetGateways"));
    m.put("AWS::EC2::RouteTable", ec2("CreateRouteTable", "DescribeRouteTables", "CreateTags",
        "DeleteRouteTable"));
    m.put("AWS::EC2::Route", ec2("CreateRoute", "DeleteRoute", "DescribeRouteTables"));
    m.put("AWS::EC2::SubnetRouteTableAssociation", ec2("AssociateRouteTable",
        "DisassociateRouteTable", "DescribeRouteTables"));
    m.put("AWS::EC2::SecurityGroup", ec2("CreateSecurityGroup", "DescribeSecurityGroups",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "CreateTags",
        "DeleteSecurityGroup"));
    m.put("AWS::EC2::Instance", ec2("RunInstances", "DescribeInstances", "CreateTags",
        "TerminateInstances"));
    m.put("AWS::S3::Bucket", Arrays.stream(new String[] {"CreateBucket", "PutBucketTagging",
        "PutBucketPublicAccessBlock", "PutEncryptionConfiguration", "DeleteBucket"})
        .map(a -> new Grant("s3:" + a, STACK_BUCKET, null)).toList());
    m.put(SSM_PARAMETER_TYPE, List.of(new Grant("ssm:GetParameters", STACK_AMI_PARAMETER, null)));
    return m;
  }

  private static final String THROUGH_STACK =
      "CloudFormation creates and deletes the template's EC2 resources with the worker's"
          + " credentials, under ids nobody knows beforehand; allowed only through CloudFormation"
          + " (aws:CalledVia)";

  private static List<Grant> ec2(String... actions) {
    return Arrays.stream(actions).map(a -> new Grant("ec2:" + a, STACK_EC2, THROUGH_STACK)).toList();
  }
}
