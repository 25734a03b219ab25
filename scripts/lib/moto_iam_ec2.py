"""The EC2 operations of moto_iam_requests.py's table: each resource's ARN (by its id's prefix) and its tags."""
import moto_iam_requests as r

_EC2_KINDS = {"i": "instance", "vpc": "vpc", "subnet": "subnet", "sg": "security-group",
              "rtb": "route-table", "igw": "internet-gateway", "eni": "network-interface"}


def ec2_arn(req, resource_id):
    kind = _EC2_KINDS.get(resource_id.split("-")[0], "")
    return req.arn("ec2", f"{kind}/{resource_id}")


def ec2_tags(ec2, resource_id):
    return r.resource_tag_context(ec2.tags.get(resource_id))


def ids(*params):
    def build(req):
        ids = [i for p in params for i in ([req.param(p)] if req.param(p) else req.indexed(p))]
        return [(req.action, ec2_arn(req, i), ec2_tags(req.ec2, i)) for i in ids] or [(req.action, "*", {})]
    return build


def _association_instance(req):
    association = req.param("AssociationId")
    for a in list(req.ec2.iam_instance_profile_associations.values()):
        if a.association_id == association:
            return a.instance.id
    return None


def instance_profile(req):
    instance = req.param("InstanceId") or _association_instance(req)
    requests = [(req.action, ec2_arn(req, instance) if instance else "*",
                 ec2_tags(req.ec2, instance) if instance else {})]
    profile_arn, profile_name = req.param("IamInstanceProfile.Arn"), req.param("IamInstanceProfile.Name")
    if profile_arn or profile_name:
        profile = r.quietly(lambda: req.iam.get_instance_profile_by_arn(profile_arn) if profile_arn
                           else req.iam.get_instance_profile(profile_name))
        for role in (profile.roles if profile else []):
            requests.append(r.pass_role(req, role.arn))
    return requests


def route_table_association(req):
    association = req.param("AssociationId")
    for table in list(req.ec2.route_tables.values()):
        if association in table._associations:
            return [(req.action, ec2_arn(req, table.id), ec2_tags(req.ec2, table.id))]
    return [(req.action, req.arn("ec2", "route-table/*"), {})]
