"""Counts, by kind, everything of every EC2, S3, IAM and CloudFormation kind a lab can create on
the local stack's moto, tagged or not (the demo's "nothing left" check; independent of labflow's
own inventory). moto's default VPC (with its subnets, main route table and default group) and the
worker's own principal (scripts/lib/moto_auth.py's users, role and policy) are left out, since moto
and scripts/stack make them.

  python scripts/lib/moto_inventory.py                 # table of kind and count
  python scripts/lib/moto_inventory.py --json          # {"kind": [ids...]} for comparing
  python scripts/lib/moto_inventory.py --diff BEFORE   # what is new since BEFORE (a --json file);
                                                       # exit 1 if anything is
Uses the standard AWS configuration of the environment (AWS_ENDPOINT_URL, region, keys), but the
administrator's keys when the stack runs the worker as the shipped policy (LABFLOW_MOTO_ADMIN_*),
which may not list everything.
"""
import json
import os
import sys

import boto3
from botocore.config import Config

# What moto_auth.py makes for the worker, by kind.
STACK_MADE = {"users": {"labflow-worker", "labflow-admin"}, "roles": {"worker-labflow"},
              "policies": {"worker-labflow"}}


def stack_made(kind, name):
    """moto_auth.py's; a split worker policy is worker-labflow-1, -2, ..."""
    return any(name == made or name.startswith(made + "-") and name[len(made) + 1:].isdigit()
               for made in STACK_MADE[kind])


def take():
    # boto3 reads AWS_DEFAULT_REGION; the Java SDK (and scripts/stack env) AWS_REGION.
    admin = {}
    if os.environ.get("LABFLOW_MOTO_ADMIN_ACCESS_KEY_ID"):
        admin = {"aws_access_key_id": os.environ["LABFLOW_MOTO_ADMIN_ACCESS_KEY_ID"],
                 "aws_secret_access_key": os.environ["LABFLOW_MOTO_ADMIN_SECRET_ACCESS_KEY"],
                 "aws_session_token": None}
    session = boto3.session.Session(
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"), **admin)
    # Under the local stack's rate limits (LABFLOW_AWS_RATES) the inventory is throttled like any
    # client: ride it out as labflow's clients do rather than fail the count.
    patient = Config(retries={"mode": "adaptive", "max_attempts": 12})
    cfn = session.client("cloudformation", config=patient)
    ec2 = session.client("ec2", config=patient)
    s3 = session.client("s3", config=patient)
    iam = session.client("iam", config=patient)

    def pages(client, op, key, **kw):
        for page in client.get_paginator(op).paginate(**kw):
            yield from page.get(key, [])

    vpcs = list(pages(ec2, "describe_vpcs", "Vpcs"))
    default = {v["VpcId"] for v in vpcs if v.get("IsDefault")}
    found = {
        "stacks": [f"{s['StackName']} {s['StackStatus']}"
                   for s in pages(cfn, "list_stacks", "StackSummaries")
                   if s["StackStatus"] != "DELETE_COMPLETE"],
        "vpcs": [v["VpcId"] for v in vpcs if v["VpcId"] not in default],
        "instances": [i["InstanceId"] for r in pages(ec2, "describe_instances", "Reservations")
                      for i in r["Instances"] if i["State"]["Name"] != "terminated"],
        "subnets": [s["SubnetId"] for s in pages(ec2, "describe_subnets", "Subnets")
                    if s["VpcId"] not in default],
        "internetGateways": [g["InternetGatewayId"] for g in
                             pages(ec2, "describe_internet_gateways", "InternetGateways")],
        "routeTables": [t["RouteTableId"] for t in pages(ec2, "describe_route_tables", "RouteTables")
                        if t.get("VpcId") not in default],
        "securityGroups": [g["GroupId"] for g in
                           pages(ec2, "describe_security_groups", "SecurityGroups")
                           if g.get("VpcId") not in default],
        "networkInterfaces": [n["NetworkInterfaceId"] for n in
                              pages(ec2, "describe_network_interfaces", "NetworkInterfaces")],
        "volumes": [v["VolumeId"] for v in pages(ec2, "describe_volumes", "Volumes")],
        "associations": [a["AssociationId"] for a in
                         pages(ec2, "describe_iam_instance_profile_associations",
                               "IamInstanceProfileAssociations")
                         if a["State"] != "disassociated"],
        "buckets": [b["Name"] for b in s3.list_buckets()["Buckets"]],
        "roles": [r["RoleName"] for r in pages(iam, "list_roles", "Roles")
                  if not stack_made("roles", r["RoleName"])],
        "policies": [p["Arn"] for p in pages(iam, "list_policies", "Policies", Scope="Local")
                     if not stack_made("policies", p["PolicyName"])],
        "instanceProfiles": [p["InstanceProfileName"] for p in
                             pages(iam, "list_instance_profiles", "InstanceProfiles")],
        "users": [u["UserName"] for u in pages(iam, "list_users", "Users")
                  if not stack_made("users", u["UserName"])],
    }
    found["objects"] = [f"{b}/{v['Key']}" for b in found["buckets"]
                        for v in pages(s3, "list_object_versions", "Versions", Bucket=b)]
    found["policyVersions"] = [f"{p}#{v['VersionId']}" for p in found["policies"]
                               for v in pages(iam, "list_policy_versions", "Versions", PolicyArn=p)]
    return found


def main(argv):
    now = take()
    if argv[:1] == ["--json"]:
        print(json.dumps(now))
        return 0
    if argv[:1] == ["--diff"]:
        with open(argv[1]) as f:
            before = json.load(f)
        new = {k: sorted(set(v) - set(before.get(k, []))) for k, v in now.items()}
        new = {k: v for k, v in new.items() if v}
        for kind in sorted(now):
            print(f"  {kind:<18} {len(now[kind]):>4}   ({len(new.get(kind, []))} new)")
        if new:
            print("left behind: " + json.dumps(new))
            return 1
        print("nothing left behind: every kind has what it had before")
        return 0
    for kind in sorted(now):
        print(f"  {kind:<18} {len(now[kind]):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
