"""What each request asks of IAM: its action(s), resource ARN(s) and condition context, as AWS builds them.

moto names the operation (`iam:CreateRole`) and resolves the caller; this module says, for every
operation labflow's step library, sweep (inventory), preflight, verification and fleet send, which
authorizations AWS makes and with what: `aws:RequestTag/*` and `aws:TagKeys` from the request,
`aws:ResourceTag/*` read from moto's backends, `iam:PolicyARN`, `iam:PassedToService`.

| operation(s) | action(s) authorized | resource | context |
|---|---|---|---|
| iam Get/Delete/UpdateAssumeRolePolicy/ListX/DeleteRolePolicy Role... | same | role ARN | ResourceTag of the role |
| iam:CreateRole | same (+ iam:TagRole when tags are given) | role ARN | RequestTag, TagKeys; iam:PermissionsBoundary |
| iam:TagRole, TagPolicy, TagInstanceProfile | same | the entity's ARN | ResourceTag of the entity; RequestTag, TagKeys |
| iam:PutRolePermissionsBoundary, DeleteRolePermissionsBoundary | same | role ARN | ResourceTag; iam:PermissionsBoundary (the new one, for Put) |
| iam:Attach/DetachRolePolicy (User, Group) | same | role/user/group ARN | iam:PolicyARN, ResourceTag; iam:PermissionsBoundary of a role that has one |
| iam:CreatePolicy, iam:TagPolicy | same (+ iam:TagPolicy) | policy ARN | RequestTag, TagKeys |
| iam policy reads, CreatePolicyVersion, DeletePolicy(Version) | same | PolicyArn | ResourceTag of the policy |
| iam:CreateInstanceProfile, iam:TagInstanceProfile | same (+ TagInstanceProfile) | profile ARN | RequestTag, TagKeys |
| iam Get/Delete InstanceProfile, Add/RemoveRoleToInstanceProfile | same | profile ARN | ResourceTag of the profile |
| iam:AddRoleToInstanceProfile | + iam:PassRole of the role (AWS: "The caller of this operation must be granted the PassRole permission on the IAM role") | role ARN | iam:PassedToService=ec2.amazonaws.com |
| iam:SimulatePrincipalPolicy | same | PolicySourceArn | - |
| iam:GetUser, ListRoles, ListPolicies, ListInstanceProfiles, ListAccountAliases | same | user ARN or * | - |
| sts:AssumeRole | same (and the role's trust policy, as moto checks it) | role ARN | - |
| sts:GetCallerIdentity | never denied (as on AWS) | - | - |
| ec2:Describe* | same | * | - |
| ec2:DescribeInstanceAttribute | same | instance ARN | ResourceTag |
| ec2:TerminateInstances | same, per instance | instance ARN(s) | ResourceTag |
| ec2:Associate/Replace/DisassociateIamInstanceProfile | same | instance ARN | ResourceTag; + iam:PassRole of the profile's role |
| ec2:DeleteVpc/Subnet/SecurityGroup/RouteTable/InternetGateway/NetworkInterface | same | the resource's ARN | ResourceTag |
| ec2:DetachInternetGateway | same | internet-gateway ARN | ResourceTag |
| ec2:RevokeSecurityGroupIngress, RevokeSecurityGroupEgress | same | security-group ARN | ResourceTag |
| ec2:DisassociateRouteTable | same | route-table ARN | ResourceTag |
| s3 (moto names the action; HeadBucket is s3:ListBucket) | same | bucket or object ARN | - |
| s3:ListAllMyBuckets | same | * | - |
| s3 DeleteObjects | s3:DeleteObject, or s3:DeleteObjectVersion for a versioned key, per key | object ARN | - |
| cloudformation:CreateStack | same (+ TagResource when tagged; + iam:PassRole of RoleARN, iam:PassedToService=cloudformation.amazonaws.com), then each template resource's create actions | stack ARN | RequestTag, TagKeys; aws:CalledVia for the resources |
| cloudformation:DeleteStack | same, then each stack resource's delete actions | stack ARN | ResourceTag; aws:CalledVia for the resources |
| cloudformation Describe/List* | same | stack ARN or * | - |

Any other operation is authorized on `*` with no context (moto's own behaviour), logged once.
"""
import html
import logging
import re
import uuid

from moto.cloudformation.models import cloudformation_backends
from moto.ec2.models import ec2_backends
from moto.iam.models import iam_backends

import moto_iam_ec2 as ec2
import moto_iam_stacks

log = logging.getLogger("labflow.moto_iam")
_unknown_logged = set()


class Request:
    """One request as moto parsed it: the caller's account/region/partition and its parameters."""

    def __init__(self, account, region, partition, action, data, caller_arn, body=b""):
        self.account, self.region, self.partition = account, region, partition
        self.action, self.data, self.caller_arn, self.body = action, data, caller_arn, body or b""

    def param(self, name, default=None):
        value = self.data.get(name, default)
        return value[0] if isinstance(value, list) and value else value

    def indexed(self, prefix):
        """Values of prefix.1, prefix.2, ... (EC2's InstanceId.N, IAM's member lists)."""
        found = sorted((int(k[len(prefix) + 1:]), k) for k in self.data
                       if k.startswith(prefix + ".") and k[len(prefix) + 1:].isdigit())
        return [self.param(k) for _, k in found]

    def request_tags(self):
        """Tags the request puts: IAM/CFN Tags.member.N.Key/Value, EC2 TagSpecification.N.Tag.M."""
        tags = {}
        for k in self.data:
            m = re.fullmatch(r"(Tags\.member\.\d+|TagSpecification\.\d+\.Tag\.\d+)\.Key", k)
            if m:
                tags[self.param(k)] = self.param(m.group(1) + ".Value", "")
        return tags

    @property
    def iam(self):
        return iam_backends[self.account][self.partition]

    @property
    def ec2(self):
        return ec2_backends[self.account][self.region]

    def arn(self, service, resource, region=True, account=True):
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")


def tag_dict(tags):
    """moto keeps tags as a list of {Key, Value}, a dict of those, or a plain dict."""
    if not tags:
        return {}
    if isinstance(tags, dict):
        return {k: (v.get("Value", "") if isinstance(v, dict) else v) for k, v in tags.items()}
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value", "")) for t in tags}


def request_tag_context(tags):
    context = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    if tags:
        context["aws:TagKeys"] = sorted(tags)
    return context


def resource_tag_context(tags):
    return {f"aws:ResourceTag/{k}": v for k, v in tag_dict(tags).items()}


def quietly(read):
    try:
        return read()
    except Exception:  # noqa: BLE001 - an entity that does not exist has no tags
        return None


# --- IAM --------------------------------------------------------------------------------------

def _role_arn(req, name):
    role = quietly(lambda: req.iam.get_role(name))
    return role.arn if role else req.arn("iam", f"role{req.param('Path', '/')}{name}", region=False)


def _role(req):
    name = req.param("RoleName")
    role = quietly(lambda: req.iam.get_role(name))
    return [(req.action, _role_arn(req, name), resource_tag_context(role.tags if role else None))]


def _tagging(build):
    """TagRole, TagPolicy, TagInstanceProfile: the entity's tags and the request's (aws:RequestTag, TagKeys)."""
    def tagging(req):
        context = request_tag_context(req.request_tags())
        return [(a, r, {**c, **context}) for a, r, c in build(req)]
    return tagging


def _with_boundary(build):
    """The request's PermissionsBoundary as iam:PermissionsBoundary (CreateRole, PutRolePermissionsBoundary)."""
    def with_boundary(req):
        boundary = req.param("PermissionsBoundary")
        requests = build(req)
        return [(a, r, {**c, "iam:PermissionsBoundary": boundary} if boundary and a == req.action else c)
                for a, r, c in requests]
    return with_boundary


def _create_tagged(kind, tag_action):
    def build(req):
        tags = req.request_tags()
        name = req.param(f"{kind.title().replace('-', '')}Name")
        arn = req.arn("iam", f"{kind}{req.param('Path', '/')}{name}", region=False)
        context = request_tag_context(tags)
        requests = [(req.action, arn, context)]
        if tags:
            requests.append((tag_action, arn, context))
        return requests
    return build


def _attach_detach(req):
    for kind, param, getter in (("role", "RoleName", "get_role"), ("user", "UserName", "get_user"),
                                ("group", "GroupName", "get_group")):
        name = req.param(param)
        if name:
            entity = quietly(lambda: getattr(req.iam, getter)(name))
            arn = entity.arn if entity is not None else req.arn("iam", f"{kind}/{name}", region=False)
            context = resource_tag_context(getattr(entity, "tags", None))
            context["iam:PolicyARN"] = req.param("PolicyArn")
            if getattr(entity, "permissions_boundary_arn", None):  # the entity's boundary, as AWS supplies it
                context["iam:PermissionsBoundary"] = entity.permissions_boundary_arn
            return [(req.action, arn, context)]
    return [(req.action, "*", {})]


def _policy(req):
    arn = req.param("PolicyArn")
    policy = quietly(lambda: req.iam.get_policy(arn))
    return [(req.action, arn, resource_tag_context(policy.tags if policy else None))]


def _profile(req):
    name = req.param("InstanceProfileName")
    profile = quietly(lambda: req.iam.get_instance_profile(name))
    arn = profile.arn if profile else req.arn("iam", f"instance-profile/{name}", region=False)
    return [(req.action, arn, resource_tag_context(profile.tags if profile else None))]


def _add_role_to_profile(req):
    return _profile(req) + [pass_role(req, _role_arn(req, req.param("RoleName")))]


def pass_role(req, role_arn, service="ec2.amazonaws.com"):
    return ("iam:PassRole", role_arn, {"iam:PassedToService": service})


def _simulate(req):
    return [(req.action, req.param("PolicySourceArn") or "*", {})]


def _get_user(req):
    name = req.param("UserName")
    return [(req.action, req.arn("iam", f"user/{name}", region=False) if name else req.caller_arn, {})]


def _assume_role(req):
    return [(req.action, req.param("RoleArn"), {})]


# --- S3 ---------------------------------------------------------------------------------------

_S3_ACTIONS = {"s3:HeadBucket": "s3:ListBucket"}


def _s3(resource):
    def build(req):
        action = _S3_ACTIONS.get(req.action, req.action)
        if action == "s3:ListAllMyBuckets":
            return [(action, "*", {})]
        if action == "s3:DeleteObject" and "/" not in resource.split(":::", 1)[-1]:
            return _delete_objects(req, resource)
        return [(action, resource, {})]
    return build


def _delete_objects(req, bucket_arn):
    """DeleteObjects (moto names it s3:DeleteObject on the bucket): each key, as AWS authorizes it."""
    body = req.body.decode() if isinstance(req.body, bytes) else str(req.body)
    requests = []
    for obj in re.findall(r"<Object>(.*?)</Object>", body, re.S):
        key = re.search(r"<Key>(.*?)</Key>", obj, re.S)
        action = "s3:DeleteObjectVersion" if "<VersionId>" in obj else "s3:DeleteObject"
        if key:
            requests.append((action, f"{bucket_arn}/{html.unescape(key.group(1))}", {}))
    return requests or [("s3:DeleteObject", f"{bucket_arn}/*", {})]


# --- CloudFormation ---------------------------------------------------------------------------

def _stack_arn(req, name):
    return req.arn("cloudformation", f"stack/{name}/{uuid.uuid4()}")


def _stack(req):
    name = req.param("StackName")
    if not name:
        return [(req.action, "*", {})]
    stack = quietly(lambda: cloudformation_backends[req.account][req.region].get_stack(name))
    arn = stack.stack_id if stack else (name if name.startswith("arn:") else _stack_arn(req, name))
    return [(req.action, arn, resource_tag_context(stack.tags if stack else None))]


def _create_stack(req):
    tags = req.request_tags()
    arn = _stack_arn(req, req.param("StackName"))
    context = request_tag_context(tags)
    requests = [(req.action, arn, context)]
    if tags:
        requests.append(("cloudformation:TagResource", arn, context))
    if req.param("RoleARN"):  # a service role: CloudFormation acts as it, so it is passed
        requests.append(pass_role(req, req.param("RoleARN"), "cloudformation.amazonaws.com"))
    return requests + moto_iam_stacks.creations(req, tags)


def _delete_stack(req):
    return _stack(req) + moto_iam_stacks.deletions(req)


_ROLE_ACTIONS = ("GetRole", "DeleteRole", "DeleteRolePolicy", "UpdateAssumeRolePolicy",
                 "ListAttachedRolePolicies", "ListInstanceProfilesForRole", "ListRolePolicies",
                 "ListRoleTags", "PutRolePolicy", "GetRolePolicy", "UntagRole",
                 "DeleteRolePermissionsBoundary")
_POLICY_ACTIONS = ("GetPolicy", "GetPolicyVersion", "ListEntitiesForPolicy", "ListPolicyTags",
                   "ListPolicyVersions", "CreatePolicyVersion", "DeletePolicy", "DeletePolicyVersion",
                   "SetDefaultPolicyVersion", "UntagPolicy")
_PROFILE_ACTIONS = ("GetInstanceProfile", "DeleteInstanceProfile", "RemoveRoleFromInstanceProfile",
                    "ListInstanceProfileTags", "UntagInstanceProfile")
_WILDCARD = ("iam:ListRoles", "iam:ListPolicies", "iam:ListInstanceProfiles", "iam:ListAccountAliases",
             "cloudformation:ListStacks", "s3:ListAllMyBuckets")

OPERATIONS = {
    **{f"iam:{a}": _role for a in _ROLE_ACTIONS},
    **{f"iam:{a}": _policy for a in _POLICY_ACTIONS},
    **{f"iam:{a}": _profile for a in _PROFILE_ACTIONS},
    **{a: (lambda req: [(req.action, "*", {})]) for a in _WILDCARD},
    "iam:CreateRole": _with_boundary(_create_tagged("role", "iam:TagRole")),
    "iam:PutRolePermissionsBoundary": _with_boundary(_role),
    "iam:TagRole": _tagging(_role),
    "iam:CreatePolicy": _create_tagged("policy", "iam:TagPolicy"),
    "iam:TagPolicy": _tagging(_policy),
    "iam:CreateInstanceProfile": _create_tagged("instance-profile", "iam:TagInstanceProfile"),
    "iam:TagInstanceProfile": _tagging(_profile),
    "iam:AddRoleToInstanceProfile": _add_role_to_profile,
    "iam:AttachRolePolicy": _attach_detach,
    "iam:DetachRolePolicy": _attach_detach,
    "iam:DetachUserPolicy": _attach_detach,
    "iam:DetachGroupPolicy": _attach_detach,
    "iam:SimulatePrincipalPolicy": _simulate,
    "iam:GetUser": _get_user,
    "sts:AssumeRole": _assume_role,
    "ec2:TerminateInstances": ec2.ids("InstanceId"),
    "ec2:DescribeInstanceAttribute": ec2.ids("InstanceId"),
    "ec2:DeleteVpc": ec2.ids("VpcId"),
    "ec2:DeleteSubnet": ec2.ids("SubnetId"),
    "ec2:DeleteSecurityGroup": ec2.ids("GroupId"),
    "ec2:DeleteRouteTable": ec2.ids("RouteTableId"),
    "ec2:DeleteInternetGateway": ec2.ids("InternetGatewayId"),
    "ec2:DetachInternetGateway": ec2.ids("InternetGatewayId"),
    "ec2:RevokeSecurityGroupIngress": ec2.ids("GroupId"),
    "ec2:RevokeSecurityGroupEgress": ec2.ids("GroupId"),
    "ec2:DeleteNetworkInterface": ec2.ids("NetworkInterfaceId"),
    "ec2:DisassociateRouteTable": ec2.route_table_association,
    "ec2:AssociateIamInstanceProfile": ec2.instance_profile,
    "ec2:ReplaceIamInstanceProfileAssociation": ec2.instance_profile,
    "ec2:DisassociateIamInstanceProfile": ec2.instance_profile,
    "cloudformation:CreateStack": _create_stack,
    "cloudformation:DeleteStack": _delete_stack,
    "cloudformation:DescribeStacks": _stack,
    "cloudformation:DescribeStackEvents": _stack,
    "cloudformation:ListStackResources": _stack,
    "cloudformation:DescribeStackResources": _stack,
}


def authorizations(req, moto_resource):
    """The (action, resource ARN, context) triples AWS would authorize for this request."""
    build = OPERATIONS.get(req.action)
    if build is None and req.action.startswith("ec2:Describe"):
        return [(req.action, "*", {})]
    if build is None and req.action.startswith("s3:"):
        build = _s3(moto_resource)
    if build is None:
        if req.action not in _unknown_logged:
            _unknown_logged.add(req.action)
            log.warning("moto_iam: %s has no entry in the operation table; authorized on *", req.action)
        return [(req.action, "*", {})]
    return build(req)
