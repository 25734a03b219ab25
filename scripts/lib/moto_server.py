"""Runs moto's server (the local stack's AWS emulator) with its CloudFormation gaps closed.

moto 5.2.1 deletes a stack by calling each resource's delete hook, and several resource kinds of
definitions/templates/lab-environment.yaml have none, so they silently stay behind (real
CloudFormation deletes them in dependency order):

- AWS::EC2::RouteTable: the table and its subnet association stay, and the VPC then fails with
  DependencyViolation.
- AWS::EC2::InternetGateway and AWS::EC2::VPCGatewayAttachment: the gateway stays, attached to the
  deleted VPC (one leaked gateway per lab).
- AWS::EC2::Route and AWS::EC2::SubnetRouteTableAssociation: nothing removes them on their own.
- AWS::EC2::Instance: the primary network interface EC2 creates at launch is kept after
  termination (on AWS it has DeleteOnTermination=true and goes with the instance).

And a stack whose creation failed half way (a bucket name taken, too long) stays
CREATE_IN_PROGRESS, and DescribeStacks of it (by name, id or list-all, also once it is deleted)
answers HTTP 500 because moto evaluates its outputs and so tries to create the failed resource
again; on AWS outputs are only there once the stack is complete, so they are left out otherwise.
The stack itself stays CREATE_IN_PROGRESS, as moto has it, so labflow's bounded wait for such a
stack is exercised.

This gives those kinds the delete hook moto's stack deletion calls, so `labflow teardown`, the
nightly reset and the demo behave on the local stack as they do on AWS. It changes nothing else;
arguments are moto_server's. Each patch refuses to run once moto has its own fix.
"""
import sys

from moto.cloudformation.models import Stack
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.subnets import SubnetRouteTableAssociation
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
from moto.server import main


def _backend(account_id, region_name):
    return ec2_backends[account_id][region_name]


def _delete_route_table(self, account_id, region_name):
    backend = _backend(account_id, region_name)
    if self.id not in backend.route_tables:
        return
    for association_id in list(self._associations):
        backend.disassociate_route_table(association_id)
    backend.delete_route_table(self.id)


def _delete_internet_gateway(self, account_id, region_name):
    backend = _backend(account_id, region_name)
    if self.id not in backend.internet_gateways:
        return
    if self.vpc is not None:
        backend.detach_internet_gateway(self.id, self.vpc.id)
    backend.delete_internet_gateway(self.id)


def _delete_gateway_attachment(self, account_id, region_name):
    backend = _backend(account_id, region_name)
    igw = backend.internet_gateways.get(self.gateway_id)
    if igw is not None and igw.vpc is not None and igw.vpc.id == self.vpc_id:
        backend.detach_internet_gateway(self.gateway_id, self.vpc_id)


def _delete_route(self, account_id, region_name):
    backend = _backend(account_id, region_name)
    table = backend.route_tables.get(self.route_table.id)
    if table is not None:
        table._routes.pop(self.id, None)


def _delete_subnet_association(self, account_id, region_name):
    backend = _backend(account_id, region_name)
    table = backend.route_tables.get(self.route_table_id)
    if table is None:
        return
    for association_id, subnet_id in list(table._associations.items()):
        if subnet_id == self.subnet_id:
            backend.disassociate_route_table(association_id)


_original_prep_nics = Instance.prep_nics


def _prep_nics(self, nic_spec, *args, **kwargs):
    existing = {n.get("NetworkInterfaceId") for n in (nic_spec or []) if n.get("NetworkInterfaceId")}
    result = _original_prep_nics(self, nic_spec, *args, **kwargs)
    for nic in self.nics.values():
        if nic.id not in existing:
            # Created by this launch: on AWS such an interface is deleted with the instance.
            nic.delete_on_termination = True
    return result


_original_outputs = Stack.outputs.fget


def _outputs(self):
    # Evaluating outputs makes moto create missing resources on the fly: only a stack whose
    # creation finished has outputs (as on AWS), and a failure to evaluate them is no outputs.
    if self.status in ("CREATE_IN_PROGRESS", "DELETE_COMPLETE", "ROLLBACK_COMPLETE"):
        return None
    try:
        return _original_outputs(self)
    except Exception:  # noqa: BLE001 - moto raises whatever its resource creation raised
        return None


def _patch(cls, name, value):
    if name in cls.__dict__:
        sys.exit(f"moto now has {cls.__name__}.{name}: review scripts/lib/moto_server.py")
    setattr(cls, name, value)


_patch(RouteTable, "delete", _delete_route_table)
_patch(InternetGateway, "delete", _delete_internet_gateway)
_patch(VPCGatewayAttachment, "delete", _delete_gateway_attachment)
_patch(Route, "delete", _delete_route)
_patch(SubnetRouteTableAssociation, "delete", _delete_subnet_association)
Instance.prep_nics = _prep_nics
Stack.outputs = property(_outputs)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
