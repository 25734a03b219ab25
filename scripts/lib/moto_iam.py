"""The local stack authorizes like IAM: every request moto authorizes goes to a kept IAM policy evaluator.

moto 5.2.1 under IAM enforcement checks a request's action against the caller's policies but
ignores Resource scoping and Condition blocks, and has no `iam:SimulatePrincipalPolicy`. `activate()`
replaces moto's decision (`IAMRequestBase.check_action_permitted`, where moto has already
authenticated the caller, a user or an assumed role, and can list its policies) with the decision of
`@cloud-copilot/iam-simulate` (scripts/lib/iam-eval/evaluate.mjs, installed by scripts/tools into
.labflow/iam-eval; AGPL-3.0, so it runs as its own Node process, one per moto, never linked into
labflow). moto_iam_requests.py builds each request's action(s), resource ARN(s) and condition
context; moto_iam_simulate.py answers `iam:SimulatePrincipalPolicy` with the same evaluator.
A principal with a permissions boundary (a role's `PermissionsBoundary`, which moto stores but never
applies) is evaluated with it, and a session of a role deleted since it was issued is refused (with
the time model, once the deletion has propagated: moto_time.deleted_role).

`sts:AssumeRole` is held to AWS's session bounds: at most one hour when the caller is itself a role
session (role chaining), else at most the role's MaxSessionDuration (`ValidationError`, AWS's
sentences).

A denial answers AWS's code and message in the request's protocol (moto_auth.AwsError):
`UnauthorizedOperation` for EC2, `AccessDeniedException` (HTTP 400, JSON) for the JSON APIs
(Service Quotas), `AccessDenied` otherwise,
"User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based policy
allows the ACTION action" (or "with an explicit deny in an identity-based policy").
"""
import atexit
import inspect
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from moto.iam.access_control import (AssumedRoleAccessKey, IAMPolicy, IAMRequestBase, PermissionResult,
                                     S3IAMRequest)
from moto.iam.utils import format_incoming_conditional_values
from moto.s3.exceptions import BucketAccessDeniedError, S3AccessDeniedError
from moto.utilities.utils import get_partition

import moto_iam_requests
from moto_auth import AwsError
import moto_time

_ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = Path(os.environ.get("LABFLOW_IAM_EVAL_DIR", _ROOT / ".labflow" / "iam-eval"))
SCRIPT = Path(__file__).resolve().parent / "iam-eval" / "evaluate.mjs"


class Evaluator:
    """One long-lived `node evaluate.mjs`: a JSON line in, a JSON line out."""

    def __init__(self):
        if not (EVAL_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
            sys.exit(f"moto_iam: the IAM evaluator is not installed in {EVAL_DIR}: run scripts/tools")
        self._lock = threading.Lock()
        self._process = subprocess.Popen(["node", str(SCRIPT), str(EVAL_DIR)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, bufsize=1)
        atexit.register(self._process.kill)

    def evaluate(self, request):
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the IAM evaluator (node evaluate.mjs) exited")
        return json.loads(line)


_evaluator = None


def evaluator():
    global _evaluator
    if _evaluator is None:
        _evaluator = Evaluator()
    return _evaluator


def policy_documents(principal, policies):
    """moto's policies of a principal (inline dicts or tuples, managed Policy objects) as documents.

    The one place the evaluator reads policies from: with the time model on, as IAM sees them
    while a change propagates (moto_time.as_propagated); principal is moto's user or role.
    """
    documents = []
    for i, policy in enumerate(moto_time.as_propagated(principal, policies)):
        if isinstance(policy, tuple):
            name, policy = policy
        else:
            name = getattr(policy, "name", None) or (policy.get("policy_name") if isinstance(policy, dict) else None)
        documents.append({"name": name or f"policy-{i + 1}", "document": IAMPolicy(policy)._policy_json})
    return documents


def boundary_documents(principal):
    """The principal's permissions boundary as a list of documents ([] without one), as IAM applies it.

    moto keeps a role's boundary ARN but never evaluates it; IAM allows only what both the identity
    policies and the boundary allow.
    """
    arn = getattr(principal, "permissions_boundary_arn", None)
    if not arn:
        return []
    policy = _quietly(lambda: principal_backend(principal).get_policy(arn))
    if policy is None:  # a boundary that no longer exists allows nothing
        return [{"name": arn, "document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}}]
    return policy_documents(principal, [policy])


def principal_backend(principal):
    from moto.iam.models import iam_backends
    return iam_backends[principal.account_id][principal.partition]


def _quietly(read):
    try:
        return read()
    except Exception:  # noqa: BLE001 - a missing entity
        return None


def evaluate(principal, account, policies, action, resource, context, boundaries=()):
    request = {"principal": principal, "action": action, "resource": resource,
               "account": account, "policies": policies, "context": context}
    if boundaries:
        request["boundaries"] = list(boundaries)
    return evaluator().evaluate(request)


def denial_message(principal, action, resource, decision):
    why = ("with an explicit deny in an identity-based policy" if decision == "ExplicitlyDenied"
           else f"because no permissions boundary allows the {action} action" if decision == "Boundary"
           else f"because no identity-based policy allows the {action} action")
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {why}"


def _deny(iam_request, action, resource, decision):
    message = denial_message(iam_request._access_key.arn, action, resource, decision)
    if isinstance(iam_request, S3IAMRequest):
        bucket = iam_request._data.get("BucketName")
        error = BucketAccessDeniedError(bucket) if bucket else S3AccessDeniedError()
        error.message = message
        error.args = (message,)
        raise error
    raise AwsError(iam_request, "AccessDenied", message, json_code="AccessDeniedException",
                   ec2=("UnauthorizedOperation", "You are not authorized to perform this operation. " + message, 403))


def check_action_permitted(self, resource):
    """Replaces moto's IAMRequestBase.check_action_permitted: the evaluator decides."""
    if self._action == "sts:GetCallerIdentity":  # never denied, as on AWS
        return
    partition = get_partition(self._region)
    req = moto_iam_requests.Request(self.account_id, self._region, partition, self._action,
                                    self._data, self._access_key.arn, self._body)
    authorizations = moto_iam_requests.authorizations(req, resource)
    principal = _principal(self._access_key)
    if principal is None:  # a session of a role deleted since: AWS refuses it
        _deny(self, authorizations[0][0], authorizations[0][1], "ImplicitlyDenied")
    # A deleted role (moto_time keeps it while its deletion propagates) has no policies of its own
    # left: what it acts with is what policy_documents still sees of them.
    policies = policy_documents(principal, _quietly(self._access_key.collect_policies) or [])
    boundaries = boundary_documents(principal)
    for action, arn, context in authorizations:
        answer = evaluate(self._access_key.arn, self.account_id, policies, action, arn, context, boundaries)
        if answer.get("error"):
            print(f"moto_iam: the evaluator refused {action} on {arn}: {answer['error']}", file=sys.stderr)
        decision = answer["decision"]
        if decision == "ImplicitlyDenied" and boundaries and evaluate(
                self._access_key.arn, self.account_id, policies, action, arn, context)["decision"] == "Allowed":
            decision = "Boundary"  # the identity policies allow it; the boundary does not
        if decision != "Allowed":
            _deny(self, action, arn, decision)
    # A role's trust policy still decides who may assume it (moto's own check).
    if self._is_assuming_role_operation(resource) and not _trusted(self, resource):
        _deny(self, self._action, resource, "ImplicitlyDenied")
    if self._action == "sts:AssumeRole":
        too_long = _session_too_long(self, resource)
        if too_long:
            raise AwsError(self, "ValidationError", too_long, 400)
        moto_time.caller(self._access_key.arn)


def _session_too_long(iam_request, role_arn):
    """AWS's bounds on an AssumeRole session, which moto does not apply: one hour when the caller is
    itself a role session (role chaining), else the role's MaxSessionDuration; None within them."""
    asked = iam_request._data.get("DurationSeconds")
    asked = int((asked[0] if isinstance(asked, list) else asked) or 3600)
    if isinstance(iam_request._access_key, AssumedRoleAccessKey) and asked > 3600:
        return "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    role = _quietly(lambda: iam_request.backend.get_role_by_arn(role_arn))
    if role is not None and asked > int(role.max_session_duration or 3600):
        return "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    return None


def _principal(key):
    """The caller's user, or its session's role; None for a session whose role was deleted (with
    the time model, PROPAGATION_S ago or more)."""
    if isinstance(key, AssumedRoleAccessKey):
        return (_quietly(lambda: key.backend.get_role(key._owner_role_name))
                or moto_time.deleted_role(key.backend, key._owner_role_name))
    return key.backend.get_user(key._owner_user_name)


def _trusted(iam_request, role_arn):
    """moto's trust check, and, as on AWS, a trust naming a role admits that role's sessions.

    moto compares the caller's ARN with the trust's principal, so the session
    assumed-role/worker-labflow/... never matched a trust naming role/worker-labflow, and the worker
    as a role could not probe a lab's role that trusts it.
    """
    if iam_request._check_role_trust_relationship(role_arn):
        return True
    key = iam_request._access_key
    if not isinstance(key, AssumedRoleAccessKey):
        return False
    own_role = f"arn:{key.partition}:iam::{key.account_id}:role/{key._owner_role_name}"
    trust = IAMPolicy(iam_request.backend.get_role_by_arn(role_arn).assume_role_policy_document)
    return trust.is_action_permitted(iam_request._action, role_arn, own_role,
                                     format_incoming_conditional_values(iam_request._data)) \
        == PermissionResult.PERMITTED


def activate():
    """Routes moto's authorization through the evaluator and adds iam:SimulatePrincipalPolicy."""
    import moto_iam_simulate

    source = inspect.getsource(IAMRequestBase.check_action_permitted)
    if "collect_policies()" not in source or "_check_role_trust_relationship" not in source:
        sys.exit("moto changed IAMRequestBase.check_action_permitted: review scripts/lib/moto_iam.py")
    IAMRequestBase.check_action_permitted = check_action_permitted
    moto_iam_simulate.activate()
    evaluator()
