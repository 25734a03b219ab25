package io.labflow.worker.bench;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/**
 * moto only: its DeleteStack cannot delete a route table held by a subnet association (real
 * CloudFormation deletes in dependency order), so the benchmark releases them first, as
 * scripts/lib/moto_release_route_tables.py does for the demo.
 */
final class MotoRouteTables {

  private MotoRouteTables() {}

  static void release(String stackName) {
    try (CloudFormationClient cfn = CloudFormationClient.create(); Ec2Client ec2 = Ec2Client.create()) {
      for (StackResourceSummary r : cfn.listStackResources(b -> b.stackName(stackName)).stackResourceSummaries()) {
        if (!"AWS::EC2::RouteTable".equals(r.resourceType())) {
          continue;
        }
        for (RouteTable t : ec2.describeRouteTables(b -> b.routeTableIds(r.physicalResourceId())).routeTables()) {
          for (RouteTableAssociation a : t.associations()) {
            if (!Boolean.TRUE.equals(a.main())) {
              ec2.disassociateRouteTable(b -> b.associationId(a.routeTableAssociationId()));
            }
          }
        }
        ec2.deleteRouteTable(b -> b.routeTableId(r.physicalResourceId()));
      }
    }
  }
}
