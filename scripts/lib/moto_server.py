"""Runs moto's server (the local stack's AWS emulator) with one gap of its CloudFormation closed.

moto 5.2.1 cannot delete an AWS::EC2::RouteTable that a stack created: the resource has no delete
hook, so the table (and its subnet association) stays behind and the stack's VPC then fails with
DependencyViolation. Real CloudFormation deletes it in dependency order. This gives RouteTable the
delete hook moto's stack deletion calls, so `labflow teardown`, the nightly reset and the demo
behave on the local stack as they do on AWS. It changes nothing else; arguments are moto_server's.
"""
import sys

from moto.ec2.models import ec2_backends
from moto.ec2.models.route_tables import RouteTable
from moto.server import main


def _delete_route_table(self, account_id, region_name):
    backend = ec2_backends[account_id][region_name]
    for association_id in list(self.associations):
        backend.disassociate_route_table(association_id)
    backend.delete_route_table(self.id)


if hasattr(RouteTable, "delete"):
    sys.exit("moto now has RouteTable.delete: drop scripts/lib/moto_server.py and run moto_server")
RouteTable.delete = _delete_route_table

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
