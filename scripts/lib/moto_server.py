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

And a stack whose creation fails half way (a bucket name taken, too long): moto answers CreateStack
with the resource's error and leaves the stack CREATE_IN_PROGRESS for good, and DescribeStacks and
ListStackResources of it answer HTTP 500 because moto evaluates its outputs and resources and so
tries to create the failed resource again. On AWS, CreateStack succeeds, the resource's event says
CREATE_FAILED with the reason, and the stack rolls back: ROLLBACK_IN_PROGRESS, the resources it
created deleted, ROLLBACK_COMPLETE (ROLLBACK_FAILED if a delete fails). The launcher does the same
(synchronously, as moto creates), and a stack that is not complete has no outputs and lists only
the resources it holds.

This gives those kinds the delete hook moto's stack deletion calls, so `labflow teardown`, the
nightly reset and the demo behave on the local stack as they do on AWS.

And moto deletes a security group that another group's inbound or outbound rule names; AWS refuses
with DependencyViolation (API reference, DeleteSecurityGroup), so the launcher does too: a sweep
that leaves such a rule in place fails here as it does on AWS. Likewise moto deletes a VPC that
still holds a security group other than its default one, or has an internet gateway attached
(it checks subnets, VPN gateways and route tables only); AWS refuses with DependencyViolation, and
so does the launcher: a VPC holding a group that is not the lab's is reported blocked here too.

And moto ignores a stack parameter its template does not declare, and names a missing one in its
own words; CloudFormation refuses CreateStack with ValidationError "Parameters: [X] do not exist in
the template" ("Parameter values specified for a template which does not require them." for a
template without Parameters) and "Parameters: [X] must have values", and so does the launcher.

Two more patches keep the emulator from distorting what runs against it at scale:

- Requests are handled one at a time. moto's backends are plain dicts, and its server answers on
  one thread per connection: under 30 concurrent labs a CreateStack raised "dictionary changed size
  during iteration" while creating a subnet (another request was adding a network ACL), answered
  HTTP 500 and left the stack CREATE_IN_PROGRESS for good, which AWS never does. Python runs one
  thread at a time anyway, so this costs little throughput.
- An EC2 resource's own tags are read by its id. moto reads them by scanning the tags of every EC2
  resource in the account (and keeps those of deleted ones), so each DescribeInstances,
  DescribeVpcs, ... with a tag filter cost the number of resources times the number of tags: 0.34 s
  per call with 100 instances, and each benchmark pass was slower than the one before. The answer
  is the same.

Every request moto authorizes is decided by a kept IAM policy evaluator, which also answers
iam:SimulatePrincipalPolicy (scripts/lib/moto_iam.py, activated below). A request for a bucket of
another Region is answered 301 PermanentRedirect, as S3 does (moto_s3_regions.py). On request it
also behaves as an AWS account does, each part off unless its variable is set:
AWS's default quotas (LABFLOW_AWS_QUOTAS, moto_quotas.py), API rate limits (LABFLOW_AWS_RATES,
moto_rates.py) and durations (LABFLOW_AWS_TIME_SCALE, moto_time.py); docs/aws.md.

It changes nothing else; arguments are moto_server's. Each patch refuses to run once moto has its
own fix or has changed what it replaces.
"""
import inspect
import os
import sys
import threading

import moto.cloudformation.parsing as cfn_parsing
from moto.cloudformation.models import Event, Stack
from moto.ec2.models import ec2_backends
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.models.instances import Instance
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.subnets import SubnetRouteTableAssociation
from moto.ec2.models.vpcs import VPCBackend
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main

import moto_auth
import moto_iam
import moto_quotas
import moto_rates
import moto_s3_regions
import moto_time


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


_original_delete_group = SecurityGroupBackend._delete_security_group


def _delete_group(self, vpc_id, group_id):
    for groups in list(self.groups.values()):
        for group in list(groups.values()):
            if group.id != group_id and any((rule.source_group or {}).get("GroupId") == group_id
                                            for rule in group.ingress_rules + group.egress_rules):
                raise DependencyViolationError(f"resource {group_id} has a dependent object")
    return _original_delete_group(self, vpc_id, group_id)


_original_delete_vpc = VPCBackend.delete_vpc


def _delete_vpc(self, vpc_id):
    groups = [g for g in self.groups.get(vpc_id, {}).values() if g.name != "default"]
    gateways = [g for g in self.internet_gateways.values() if g.vpc and g.vpc.id == vpc_id]
    if groups or gateways:
        raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    return _original_delete_vpc(self, vpc_id)


_original_outputs = Stack.outputs.fget
_original_stack_resources = Stack.stack_resources.fget
# States in which a stack holds only the resources it created (moto would create the others when
# asked for outputs or resources).
_INCOMPLETE = ("CREATE_IN_PROGRESS", "CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED",
               "ROLLBACK_COMPLETE", "DELETE_COMPLETE")


def _outputs(self):
    # Evaluating outputs makes moto create missing resources on the fly: only a stack whose
    # creation finished has outputs (as on AWS), and a failure to evaluate them is no outputs.
    if self.status in _INCOMPLETE:
        return None
    try:
        return _original_outputs(self)
    except Exception:  # noqa: BLE001 - moto raises whatever its resource creation raised
        return None


def _stack_resources(self):
    if self.status not in _INCOMPLETE:
        return _original_stack_resources(self)
    resource_map = self.resource_map
    return [r for k, r in list(resource_map._parsed_resources.items())
            if k in resource_map._resource_json_map and r is not None and not isinstance(r, str)]


_original_parse_and_create = cfn_parsing.parse_and_create_resource


def _parse_and_create(logical_id, resource_json, *args, **kwargs):
    try:
        return _original_parse_and_create(logical_id, resource_json, *args, **kwargs)
    except Exception as e:
        if not hasattr(e, "labflow_failed"):  # the innermost resource is the one that failed
            e.labflow_failed = (logical_id, resource_json.get("Type", ""))
        raise


_original_create_resources = Stack.create_resources


def _resource_event(stack, logical_id, physical_id, resource_type, status, reason=None):
    stack.events.append(Event(stack_id=stack.stack_id, stack_name=stack.name,
                              logical_resource_id=logical_id, physical_resource_id=physical_id,
                              resource_type=resource_type, resource_status=status,
                              resource_status_reason=reason, resource_properties=None))


def _create_resources(self):
    try:
        _original_create_resources(self)
    except Exception as e:  # noqa: BLE001 - whatever the failing resource's creation raised
        logical_id, resource_type = getattr(e, "labflow_failed", ("", ""))
        message = getattr(e, "message", None) or str(e)
        code = getattr(e, "code", None) or type(e).__name__
        _resource_event(self, logical_id, "", resource_type, "CREATE_FAILED",
                        f'Resource handler returned message: "{message}" (HandlerErrorCode: {code})')
        self.status = "ROLLBACK_IN_PROGRESS"
        self._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=(
            f"The following resource(s) failed to create: [{logical_id}]. Rollback requested by user."))
        created = [(k, r) for k, r in list(self.resource_map._parsed_resources.items())
                   if k in self.resource_map._resource_json_map and r is not None]
        try:
            self.resource_map.delete()
        except Exception as rollback:  # noqa: BLE001
            self.status = "ROLLBACK_FAILED"
            self._add_stack_event("ROLLBACK_FAILED", resource_status_reason=str(rollback))
            return
        for k, r in reversed(created):
            _resource_event(self, k, getattr(r, "physical_resource_id", ""),
                            self.resource_map._resource_json_map[k].get("Type", ""), "DELETE_COMPLETE")
        self.status = "ROLLBACK_COMPLETE"
        self._add_stack_event("ROLLBACK_COMPLETE")


_original_load_parameters = cfn_parsing.ResourceMap.load_parameters


def _load_parameters(self):
    declared = self._template.get("Parameters") or {}
    unknown = [k for k in self.input_parameters if k not in declared]
    if unknown and not declared:
        raise cfn_parsing.ValidationError(
            message="Parameter values specified for a template which does not require them.")
    if unknown:
        raise cfn_parsing.ValidationError(
            message=f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    unset = [k for k, p in declared.items() if "Default" not in p and k not in self.input_parameters]
    if unset:
        raise cfn_parsing.ValidationError(message=f"Parameters: [{', '.join(unset)}] must have values")
    return _original_load_parameters(self)


_original_get_tags = TaggedEC2Resource.get_tags


def _own_tags(self):
    tags = self.ec2_backend.tags.get(self.id) if self.id else None
    if not tags:
        return []
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(self.id), "")
    return [{"resource_id": self.id, "key": k, "value": v, "resource_type": resource_type}
            for k, v in list(tags.items())]


_requests = threading.Lock()
_original_dispatch = DomainDispatcherApplication.__call__


def _one_at_a_time(self, environ, start_response):
    with _requests:
        return _original_dispatch(self, environ, start_response)


def _replace(cls, name, value, expected):
    """Replaces cls.name, whose source must still contain expected (what the patch stands in for)."""
    if expected not in inspect.getsource(cls.__dict__[name]):
        sys.exit(f"moto changed {cls.__name__}.{name}: review scripts/lib/moto_server.py")
    setattr(cls, name, value)


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
_replace(SecurityGroupBackend, "_delete_security_group", _delete_group, "self.groups[vpc_id].pop(group_id)")
_replace(VPCBackend, "delete_vpc", _delete_vpc, "# TODO: Refuse to delete if there are dependent IGW")
Stack.outputs = property(_outputs)
Stack.stack_resources = property(_stack_resources)
_replace(Stack, "create_resources", _create_resources, "self.resource_map.create(self.template_dict)")
if "parse_and_create_resource(" not in inspect.getsource(cfn_parsing.ResourceMap.__getitem__):
    sys.exit("moto changed ResourceMap.__getitem__: review scripts/lib/moto_server.py")
cfn_parsing.parse_and_create_resource = _parse_and_create
_replace(cfn_parsing.ResourceMap, "load_parameters", _load_parameters, "raise MissingParameterError(key)")
_replace(TaggedEC2Resource, "get_tags", _own_tags, 'describe_tags(filters={"resource-id": [self.id]})')
_replace(DomainDispatcherApplication, "__call__", _one_at_a_time, "return backend_app(environ, start_response)")


def _self_check():
    """--self-check: the patched tag read answers as moto's own does, and requests never overlap."""
    import time

    # In-process moto only: a shell with the local stack's AWS_ENDPOINT_URL (scripts/stack env)
    # would send these calls to a server that may not be running.
    os.environ.pop("AWS_ENDPOINT_URL", None)

    import boto3
    from moto import mock_aws

    failures = []
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        ami = ec2.describe_images()["Images"][0]["ImageId"]
        for i in range(20):
            tags = [{"Key": "labflow:lab", "Value": f"lab-{i}"}, {"Key": "Name", "Value": f"n{i}"}]
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
                {"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
            instance = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subnet,
                                         TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
            if i % 2:
                ec2.terminate_instances(InstanceIds=[instance["Instances"][0]["InstanceId"]])
        ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "Name"}])
        backend = _backend("123456789012", "us-east-1")
        resources = (list(backend.all_instances()) + list(backend.vpcs.values())
                     + [s for zone in backend.subnets.values() for s in zone.values()])
        differ = [r.id for r in resources if _original_get_tags(r) != r.get_tags()]
        tagged = sum(1 for r in resources if r.get_tags())
        if differ or tagged < 40:
            failures.append(f"tag reads differ for {differ} ({tagged} tagged of {len(resources)})")
        found = ec2.describe_instances(Filters=[{"Name": "tag:labflow:lab", "Values": ["lab-7"]}])
        if [i["Tags"] for r in found["Reservations"] for i in r["Instances"]] != [
                [{"Key": "labflow:lab", "Value": "lab-7"}, {"Key": "Name", "Value": "n7"}]]:
            failures.append(f"a tag filter found {found['Reservations']}")

    failures += _rollback_check()

    global _original_dispatch
    real, state = _original_dispatch, {"inside": 0, "most": 0}
    counter = threading.Lock()

    def slow(self, environ, start_response):
        with counter:
            state["inside"] += 1
            state["most"] = max(state["most"], state["inside"])
        time.sleep(0.01)
        with counter:
            state["inside"] -= 1
        return []

    _original_dispatch = slow
    threads = [threading.Thread(target=_one_at_a_time, args=(None, {}, None)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _original_dispatch = real
    if state["most"] != 1:
        failures.append(f"{state['most']} requests ran at once")
    if failures:
        sys.exit("self-check failed: " + "; ".join(failures))
    print(f"self-check: {len(resources)} EC2 resources ({tagged} tagged), tag reads identical;"
          " a stack whose bucket name is taken rolled back; 8 concurrent requests ran one at a time")


def _rollback_check():
    """A stack whose bucket name is taken rolls back as on AWS, leaving the other bucket alone."""
    import boto3
    from moto import mock_aws

    template = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.7.0.0/16}
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: Vpc
    Properties: {BucketName: taken-name}
Outputs:
  BucketName: {Value: !Ref Bucket}
"""
    failures = []
    with mock_aws():
        keys = {"region_name": "us-east-1", "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing"}
        s3, cfn, ec2 = (boto3.client(n, **keys) for n in ("s3", "cloudformation", "ec2"))
        s3.create_bucket(Bucket="taken-name")
        s3.put_bucket_tagging(Bucket="taken-name", Tagging={"TagSet": [{"Key": "owner", "Value": "else"}]})
        vpcs = len(ec2.describe_vpcs()["Vpcs"])
        stack_id = cfn.create_stack(StackName="s", TemplateBody=template)["StackId"]
        stack = cfn.describe_stacks(StackName="s")["Stacks"][0]
        events = [(e["LogicalResourceId"], e["ResourceStatus"])
                  for e in reversed(cfn.describe_stack_events(StackName=stack_id)["StackEvents"])]
        expected = [("s", "CREATE_IN_PROGRESS"), ("Bucket", "CREATE_FAILED"),
                    ("s", "ROLLBACK_IN_PROGRESS"), ("Vpc", "DELETE_COMPLETE"), ("s", "ROLLBACK_COMPLETE")]
        if stack["StackStatus"] != "ROLLBACK_COMPLETE" or stack.get("Outputs") or events != expected:
            failures.append(f"the failed stack is {stack['StackStatus']} with events {events}")
        if cfn.list_stack_resources(StackName="s")["StackResourceSummaries"]:
            failures.append("the rolled back stack still lists resources")
        if len(ec2.describe_vpcs()["Vpcs"]) != vpcs:
            failures.append("the rollback left the stack's VPC")
        cfn.delete_stack(StackName=stack_id)
        if cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] != "DELETE_COMPLETE":
            failures.append("the rolled back stack was not deleted")
        if s3.get_bucket_tagging(Bucket="taken-name")["TagSet"] != [{"Key": "owner", "Value": "else"}]:
            failures.append("the taken bucket was changed")
    return failures


if __name__ == "__main__":
    # AWS's limits, each only when its variable switches it on (docs/aws.md).
    moto_quotas.install()
    moto_time.install(_requests)
    moto_rates.install()
    moto_s3_regions.install()
    if sys.argv[1:] == ["--self-check"]:
        _self_check()
        sys.exit(0)
    moto_iam.activate()
    moto_auth.install()
    sys.exit(main(sys.argv[1:]))
