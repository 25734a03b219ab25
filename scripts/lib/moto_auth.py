"""Turns IAM enforcement on in a fresh moto server and makes the worker's principal.

moto checks no credentials by default, so a lab's access verification by probe (assume the role,
try S3) would see everything allowed. Three unauthenticated requests create an administrator user,
its allow-everything inline policy and an access key; from then on every request is authenticated
and authorized. Who the worker is, by LABFLOW_WORKER_AS:

- admin (the default): the administrator itself, the user labflow-worker.
- policy: the worker as docs/real-aws.md tells operators to set it up, holding exactly what
  labflow ships: the administrator labflow-admin creates the shipped worker policy as managed
  policies, unchanged (shipped_policies), the role worker-labflow (outside the lab prefix) that
  trusts the administrator, attaches them and assumes the role. The worker gets the
  session's keys; labs' roles trust the role's ARN for the probe, as on AWS. The administrator's
  keys are printed too (LABFLOW_MOTO_ADMIN_*), for looking at the emulator (moto_inventory.py).

Prints shell exports: the keys (moto-generated, valid only on this moto server; moto does not
expire a session) and the ARN the lab's role must trust for the probe.

install(), called by moto_server.py, makes moto refuse credentials as AWS does. moto 5.2.1 answers
an unknown access key id (InvalidClientTokenId) and a wrong secret (SignatureDoesNotMatch) with
<ErrorResponse><Errors><Error>, a shape the AWS SDK for Java does not read: a 403 without an error
code, which reads as a missing permission. AWS answers the query APIs (IAM, STS, CloudFormation)
in their own shape, EC2 with AuthFailure (401) in its own, and the JSON APIs (Service Quotas) with
UnrecognizedClientException and InvalidSignatureException; S3's answers are already right.
AwsError is that shape for every error the local stack answers itself (moto_iam's denials too).
"""
import glob
import inspect
import json
import os
import re
import sys
import time
import urllib.request

import boto3
import botocore.exceptions
from moto.core.exceptions import _RESTError
from moto.iam.access_control import IAMRequest

WORKER_AS = ("admin", "policy")
ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def admin_user(endpoint, name):
    req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"3", method="POST",
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req).read()
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.put_user_policy(UserName=name, PolicyName="admin", PolicyDocument=ADMIN_POLICY)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return arn, key["AccessKeyId"], key["SecretAccessKey"]


def shipped_policies():
    """(name, document) of each managed policy the shipped worker policy is installed as: the parts
    definitions/worker-policy-N.json as worker-labflow-N when it is split (one managed policy holds
    6,144 characters), else definitions/worker-policy.json as worker-labflow."""
    definitions = os.path.join(ROOT, "definitions")
    parts = sorted(glob.glob(os.path.join(definitions, "worker-policy-[0-9]*.json")))
    named = [(f"worker-labflow-{re.search(r'-([0-9]+)[.]json$', p).group(1)}", p) for p in parts]
    result = []
    for name, path in named or [("worker-labflow", os.path.join(definitions, "worker-policy.json"))]:
        with open(path) as f:
            result.append((name, f.read()))
    return result


def shipped_policy_role(endpoint, admin_arn, key_id, secret):
    """The role worker-labflow holding definitions/worker-policy.json, and a session of it."""
    session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret,
                                    region_name="us-east-1")
    iam = session.client("iam", endpoint_url=endpoint)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": admin_arn}}]}
    role_arn = iam.create_role(RoleName="worker-labflow", AssumeRolePolicyDocument=json.dumps(trust),
                               MaxSessionDuration=43200)["Role"]["Arn"]
    for name, document in shipped_policies():
        policy_arn = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="worker-labflow", PolicyArn=policy_arn)
    # With LABFLOW_AWS_TIME_SCALE, as on AWS, a new role is not assumable and an attachment not
    # in effect for some seconds: wait for both, as an operator's setup script would.
    for _name, document in shipped_policies():
        statement = next(s for s in json.loads(document)["Statement"]
                         if s["Effect"] == "Allow" and "Condition" not in s)
        action, resource = (_first(statement["Action"]), _first(statement["Resource"]))
        _until_allowed(f"role worker-labflow to be allowed {action}",
                       lambda: iam.simulate_principal_policy(
                           PolicySourceArn=role_arn, ActionNames=[action],
                           ResourceArns=[resource.replace("*", "x")],
                       )["EvaluationResults"][0]["EvalDecision"] == "allowed")
    creds = _until_allowed("role worker-labflow to be assumable", lambda: session.client(
        "sts", endpoint_url=endpoint).assume_role(RoleArn=role_arn, RoleSessionName="labflow-worker",
                                                 DurationSeconds=43200)["Credentials"])
    return role_arn, creds


def _first(value):
    return value[0] if isinstance(value, list) else value


def _until_allowed(what, call, seconds=300):
    """call()'s truthy answer, once IAM has propagated: AccessDenied or a falsy answer is tried again
    each second (said once on stderr) until `seconds` have passed."""
    deadline, said = time.monotonic() + seconds, False
    while True:
        try:
            answer = call()
            if answer:
                return answer
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] != "AccessDenied" or time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            sys.exit(f"moto: IAM did not propagate in {seconds} s: still waiting for {what}")
        if not said:
            print(f"moto: waiting for {what} (IAM propagates changes in seconds)", file=sys.stderr)
            said = True
        time.sleep(1)


class AwsError(_RESTError):
    """An error in the shape of the request's protocol, which the AWS SDKs read: the JSON APIs'
    (Service Quotas: X-Amz-Target, HTTP 400, `json_code`), EC2's (`ec2`: code, message, status,
    when it answers otherwise), the query APIs' (IAM, STS, CloudFormation: `code`, `status`)."""

    def __init__(self, request, code, message, status=403, json_code=None, ec2=None):
        super().__init__(code, message)
        if "X-Amz-Target" in request._headers:
            self.code, self.error_type = 400, json_code or code
            self.description = json.dumps({"__type": self.error_type, "message": message})
            self.content_type = "application/x-amz-json-1.1"
        elif request._service == "ec2":
            self.error_type, message, self.code = ec2 or (code, message, status)
            self.description = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
                                f"<Code>{self.error_type}</Code><Message>{_xml(message)}</Message></Error>"
                                "</Errors><RequestID>labflow-moto</RequestID></Response>")
        else:
            self.code = status
            self.description = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error>"
                                f"<Type>Sender</Type><Code>{code}</Code><Message>{_xml(message)}</Message>"
                                "</Error><RequestId>labflow-moto</RequestId></ErrorResponse>")


def _xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_EC2_REFUSED = ("AuthFailure", "AWS was not able to validate the provided access credentials", 401)


def _unknown_key(request, _reason):
    raise AwsError(request, "InvalidClientTokenId", "The security token included in the request is invalid.",
                   json_code="UnrecognizedClientException", ec2=_EC2_REFUSED)


def _wrong_signature(request):
    raise AwsError(request, "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you provided."
                   " Check your AWS Secret Access Key and signing method.",
                   json_code="InvalidSignatureException", ec2=_EC2_REFUSED)


def install():
    """Refused credentials answered as AWS answers them (module docstring)."""
    for method, raises in ((IAMRequest._raise_invalid_access_key, "InvalidClientTokenIdError()"),
                           (IAMRequest._raise_signature_does_not_match, "SignatureDoesNotMatchError()")):
        if raises not in inspect.getsource(method):
            sys.exit(f"moto changed IAMRequest.{method.__name__}: review scripts/lib/moto_auth.py")
    IAMRequest._raise_invalid_access_key = _unknown_key
    IAMRequest._raise_signature_does_not_match = _wrong_signature


def main(endpoint):
    worker_as = os.environ.get("LABFLOW_WORKER_AS") or "admin"
    if worker_as not in WORKER_AS:
        sys.exit(f"LABFLOW_WORKER_AS must be admin or policy, not {worker_as!r}")
    print(f"export LABFLOW_WORKER_AS={worker_as}")
    if worker_as == "admin":
        arn, key_id, secret = admin_user(endpoint, "labflow-worker")
        print(f"export AWS_ACCESS_KEY_ID={key_id}")
        print(f"export AWS_SECRET_ACCESS_KEY={secret}")
        print(f"export LABFLOW_TRUSTED_PRINCIPAL_ARN={arn}")
        return
    admin_arn, key_id, secret = admin_user(endpoint, "labflow-admin")
    role_arn, creds = shipped_policy_role(endpoint, admin_arn, key_id, secret)
    print(f"export LABFLOW_MOTO_ADMIN_ARN={admin_arn}")
    print(f"export LABFLOW_MOTO_ADMIN_ACCESS_KEY_ID={key_id}")
    print(f"export LABFLOW_MOTO_ADMIN_SECRET_ACCESS_KEY={secret}")
    print(f"export AWS_ACCESS_KEY_ID={creds['AccessKeyId']}")
    print(f"export AWS_SECRET_ACCESS_KEY={creds['SecretAccessKey']}")
    print(f"export AWS_SESSION_TOKEN={creds['SessionToken']}")
    print(f"export LABFLOW_TRUSTED_PRINCIPAL_ARN={role_arn}")


if __name__ == "__main__":
    main(sys.argv[1])
