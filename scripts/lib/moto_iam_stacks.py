"""What CloudFormation does on the caller's behalf, authorized as AWS does without a service role.

A stack created or deleted without a service role acts with the caller's own permissions: each
resource's create, tag and delete calls are authorized against the caller's policies with
`aws:CalledVia` = cloudformation.amazonaws.com. moto creates and deletes the resources without
asking IAM, so the launcher authorizes these calls with the stack call (before anything is created
or deleted): a stack the caller may not build is refused whole, where AWS would fail the resource
and roll back.

| resource type | on create | on delete (its ARN, its tags) |
|---|---|---|
| AWS::EC2::VPC | ec2:CreateVpc, ec2:ModifyVpcAttribute (DNS flags), ec2:CreateTags | ec2:DeleteVpc |
| AWS::EC2::Subnet | ec2:CreateSubnet, ec2:ModifySubnetAttribute (MapPublicIpOnLaunch), ec2:CreateTags | ec2:DeleteSubnet |
| AWS::EC2::InternetGateway | ec2:CreateInternetGateway, ec2:CreateTags | ec2:DeleteInternetGateway |
| AWS::EC2::VPCGatewayAttachment | ec2:AttachInternetGateway | ec2:DetachInternetGateway |
| AWS::EC2::RouteTable | ec2:CreateRouteTable, ec2:CreateTags | ec2:DeleteRouteTable |
| AWS::EC2::Route | ec2:CreateRoute | ec2:DeleteRoute |
| AWS::EC2::SubnetRouteTableAssociation | ec2:AssociateRouteTable | ec2:DisassociateRouteTable |
| AWS::EC2::SecurityGroup | ec2:CreateSecurityGroup, ec2:RevokeSecurityGroupEgress and ec2:AuthorizeSecurityGroupEgress (egress rules), ec2:CreateTags | ec2:DeleteSecurityGroup |
| AWS::EC2::Instance | ec2:RunInstances, ec2:CreateTags, iam:PassRole (instance profile's role) | ec2:TerminateInstances |
| AWS::S3::Bucket | s3:CreateBucket, s3:PutBucketTagging, s3:PutBucketPublicAccessBlock, s3:PutEncryptionConfiguration (when set) | s3:DeleteBucket |
| AWS::SSM::Parameter::Value parameters | ssm:GetParameters | - |

Resources being created have no id yet: an EC2 resource's ARN is its type's with `*` as id; a
bucket's is its name (a literal or a Ref to a stack parameter), else `*`.
"""
import json

import yaml
from moto.cloudformation.models import cloudformation_backends
from moto.cloudformation.utils import yaml_tag_constructor
from moto.s3.models import s3_backends

import moto_iam_ec2 as ec2
import moto_iam_requests as r

VIA = {"aws:CalledVia": ["cloudformation.amazonaws.com"]}

# type -> (ec2 kind or S3, create actions, delete action)
_TYPES = {
    "AWS::EC2::VPC": ("vpc", ["ec2:CreateVpc"], "ec2:DeleteVpc"),
    "AWS::EC2::Subnet": ("subnet", ["ec2:CreateSubnet"], "ec2:DeleteSubnet"),
    "AWS::EC2::InternetGateway": ("internet-gateway", ["ec2:CreateInternetGateway"], "ec2:DeleteInternetGateway"),
    "AWS::EC2::VPCGatewayAttachment": ("internet-gateway", ["ec2:AttachInternetGateway"], "ec2:DetachInternetGateway"),
    "AWS::EC2::RouteTable": ("route-table", ["ec2:CreateRouteTable"], "ec2:DeleteRouteTable"),
    "AWS::EC2::Route": ("route-table", ["ec2:CreateRoute"], "ec2:DeleteRoute"),
    "AWS::EC2::SubnetRouteTableAssociation": ("route-table", ["ec2:AssociateRouteTable"], "ec2:DisassociateRouteTable"),
    "AWS::EC2::SecurityGroup": ("security-group", ["ec2:CreateSecurityGroup"], "ec2:DeleteSecurityGroup"),
    "AWS::EC2::Instance": ("instance", ["ec2:RunInstances"], "ec2:TerminateInstances"),
    "AWS::S3::Bucket": ("s3", ["s3:CreateBucket"], "s3:DeleteBucket"),
}
_OPTIONAL = {  # property present -> one more action
    "EnableDnsHostnames": "ec2:ModifyVpcAttribute", "EnableDnsSupport": "ec2:ModifyVpcAttribute",
    "MapPublicIpOnLaunch": "ec2:ModifySubnetAttribute",
    "SecurityGroupEgress": ["ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupEgress"],
    "PublicAccessBlockConfiguration": "s3:PutBucketPublicAccessBlock",
    "BucketEncryption": "s3:PutEncryptionConfiguration",
}


def _template(body):
    yaml.add_multi_constructor("", yaml_tag_constructor)
    try:
        return yaml.load(body, Loader=yaml.Loader) or {}
    except yaml.YAMLError:
        return json.loads(body)


def _literal_tags(props):
    return {t["Key"]: t["Value"] for t in props.get("Tags") or []
            if isinstance(t, dict) and isinstance(t.get("Key"), str) and isinstance(t.get("Value"), str)}


def _value(prop, template, req):
    """A literal, or a Ref to a parameter (the request's value, else the template's default)."""
    if isinstance(prop, str):
        return prop
    if isinstance(prop, dict) and isinstance(prop.get("Ref"), str):
        name = prop["Ref"]
        n = 1
        while req.param(f"Parameters.member.{n}.ParameterKey"):
            if req.param(f"Parameters.member.{n}.ParameterKey") == name:
                return req.param(f"Parameters.member.{n}.ParameterValue")
            n += 1
        default = ((template.get("Parameters") or {}).get(name) or {}).get("Default")
        return default if isinstance(default, str) else None
    return None


def creations(req, stack_tags):
    """Every call CloudFormation makes as the caller to create the template's resources."""
    body = req.param("TemplateBody")
    if not body:
        return []
    template = _template(body)
    found = []
    for p in (template.get("Parameters") or {}).values():
        if str(p.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
            name = str(p.get("Default", "")).lstrip("/")
            found.append(("ssm:GetParameters", req.arn("ssm", f"parameter/{name}", account=False), dict(VIA)))
    for resource in (template.get("Resources") or {}).values():
        kind = _TYPES.get(resource.get("Type"))
        if kind is None:
            continue
        props = resource.get("Properties") or {}
        tags = {**stack_tags, **_literal_tags(props)}
        context = {**VIA, **r.request_tag_context(tags)}
        if kind[0] == "s3":
            arn = f"arn:{req.partition}:s3:::{_value(props.get('BucketName'), template, req) or '*'}"
        else:
            arn = req.arn("ec2", f"{kind[0]}/*")
        actions = list(kind[1])
        for prop, extra in _OPTIONAL.items():
            if prop in props:
                actions += extra if isinstance(extra, list) else [extra]
        if tags and kind[0] != "s3":
            actions.append("ec2:CreateTags")
        if tags and kind[0] == "s3":
            actions.append("s3:PutBucketTagging")
        found += [(a, arn, context) for a in dict.fromkeys(actions)]
        if kind[0] == "instance" and props.get("IamInstanceProfile"):
            found.append(("iam:PassRole", req.arn("iam", "role/*", region=False),
                          {**VIA, "iam:PassedToService": "ec2.amazonaws.com"}))
    return found


def deletions(req):
    """Every call CloudFormation makes as the caller to delete the stack's resources."""
    name = req.param("StackName")
    try:
        stack = cloudformation_backends[req.account][req.region].get_stack(name)
    except Exception:  # noqa: BLE001 - an unknown stack: DeleteStack itself answers
        return []
    resource_map = stack.resource_map
    found = []
    for logical_id, resource in list(resource_map._parsed_resources.items()):
        kind = _TYPES.get(resource_map._resource_json_map.get(logical_id, {}).get("Type"))
        if kind is None or resource is None or isinstance(resource, str):
            continue
        physical = getattr(resource, "physical_resource_id", None) or ""
        if kind[0] == "s3":
            tags = _bucket_tags(req, physical)
            found.append((kind[2], f"arn:{req.partition}:s3:::{physical}", {**VIA, **tags}))
        elif physical.startswith(("vpc-", "subnet-", "igw-", "rtb-", "sg-", "i-")):
            found.append((kind[2], ec2.ec2_arn(req, physical), {**VIA, **ec2.ec2_tags(req.ec2, physical)}))
    return found


def _bucket_tags(req, bucket):
    try:
        tags = s3_backends[req.account][req.partition].get_bucket_tagging(bucket)["Tags"]
    except Exception:  # noqa: BLE001 - a bucket already gone has no tags
        return {}
    return r.resource_tag_context(tags)
