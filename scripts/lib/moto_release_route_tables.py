"""moto-only workaround before deleting a lab's CloudFormation stack.

moto's DeleteStack cannot delete a template's route table while a subnet association holds it
(real CloudFormation deletes in dependency order), and then fails on the VPC with
DependencyViolation. This disassociates and deletes the stack's route tables first, as the
activities' own moto tests do. Never needed, nor run, against real AWS.
"""
import os
import sys

import boto3

endpoint, stack = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"))
cfn = boto3.client("cloudformation", **kw)
ec2 = boto3.client("ec2", **kw)
for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]:
    if r["ResourceType"] != "AWS::EC2::RouteTable":
        continue
    rt = r["PhysicalResourceId"]
    for table in ec2.describe_route_tables(RouteTableIds=[rt])["RouteTables"]:
        for assoc in table.get("Associations", []):
            if not assoc.get("Main"):
                ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=rt)
    print(f"released route table {rt} of stack {stack}")
