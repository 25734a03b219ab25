package io.labflow.activities.quotas;

import java.util.List;

/**
 * The AWS quotas a lab's resources count against: each with its Service Quotas codes, AWS's
 * documented default (used when Service Quotas has no applied value), and what creates one.
 * Sources: AWS's "Amazon VPC quotas" and "IAM and AWS STS quotas" pages. Elastic IPs (L-0263D0A3)
 * are not read: no lab resource of labflow's uses one.
 *
 * @param serviceCode the Service Quotas service code
 * @param code the Service Quotas quota code
 * @param title the quota's name in Service Quotas
 * @param awsDefault AWS's documented default value
 * @param stackType the CloudFormation resource type that creates one
 * @param nameKinds what the step library's {@code @Limit}s call the name of one (their {@code
 *     what}): a step whose action takes such a name creates one
 */
public enum Quota {
  VPCS("vpc", "L-F678F1CE", "VPCs per Region", 5, "AWS::EC2::VPC"),
  INTERNET_GATEWAYS("vpc", "L-A4707A72", "Internet gateways per Region", 5,
      "AWS::EC2::InternetGateway"),
  ROLES("iam", "L-FE177D64", "Roles per account", 1000, "AWS::IAM::Role", "IAM role name",
      Quota.ROLE_AND_POLICY_NAME),
  POLICIES("iam", "L-E95E4862", "Customer managed policies per account", 1500,
      "AWS::IAM::ManagedPolicy", "IAM policy name", Quota.ROLE_AND_POLICY_NAME),
  INSTANCE_PROFILES("iam", "L-6E65F664", "Instance profiles per account", 1000,
      "AWS::IAM::InstanceProfile", "instance profile name");

  /** The name of a role that gets a managed policy of the same name (the learner's role). */
  public static final String ROLE_AND_POLICY_NAME = "IAM role and policy name";

  public final String serviceCode;
  public final String code;
  public final String title;
  public final int awsDefault;
  public final String stackType;
  public final List<String> nameKinds;

  Quota(String serviceCode, String code, String title, int awsDefault, String stackType,
      String... nameKinds) {
    this.serviceCode = serviceCode;
    this.code = code;
    this.title = title;
    this.awsDefault = awsDefault;
    this.stackType = stackType;
    this.nameKinds = List.of(nameKinds);
  }

  /** {@code L-F678F1CE (VPCs per Region)}. */
  public String describe() {
    return code + " (" + title + ")";
  }
}
