package io.labflow.activities.testing;

import io.labflow.activities.AwsClients;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/**
 * Work-arounds for moto gaps, applied by tests only (production code never knows about them).
 *
 * <p>moto 5.2.1 deletes a stack's resources by retrying until no progress, but it cannot delete a
 * route table created by {@code AWS::EC2::RouteTable} while the {@code
 * AWS::EC2::SubnetRouteTableAssociation} holds it (moto reports the route table id as the
 * association's physical id), so the VPC fails with DependencyViolation and DeleteStack errors
 * synchronously. Real CloudFormation deletes in dependency order. Tests call {@link
 * #releaseRouteTables} right before DeleteStack to do what moto skips.
 */
public final class MotoQuirks {

  private MotoQuirks() {}

  /** Disassociates and deletes the route tables of the stack (moto only). */
  public static void releaseRouteTables(String stackName) {
    try (AwsClients side = AwsClients.fromEnvironment()) {
      for (StackResourceSummary r :
          side.cloudFormation()
              .listStackResources(b -> b.stackName(stackName))
              .stackResourceSummaries()) {
        if (!"AWS::EC2::RouteTable".equals(r.resourceType())) {
          continue;
        }
        for (RouteTable rt :
            side.ec2()
                .describeRouteTables(b -> b.routeTableIds(r.physicalResourceId()))
                .routeTables()) {
          for (RouteTableAssociation a : rt.associations()) {
            if (!Boolean.TRUE.equals(a.main())) {
              side.ec2()
                  .disassociateRouteTable(b -> b.associationId(a.routeTableAssociationId()));
            }
          }
          side.ec2().deleteRouteTable(b -> b.routeTableId(rt.routeTableId()));
        }
      }
    }
  }
}
