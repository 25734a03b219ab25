"""`iam:SimulatePrincipalPolicy` on moto, answered by the same evaluator that authorizes requests.

moto 5.2.1 has no such operation (its IAM responses have no `simulate_principal_policy`). This adds
it: the principal (a user or a role, by PolicySourceArn) with its inline and attached policies (a
user's groups' too) and its permissions boundary, each of `ActionNames` on each of `ResourceArns` (`*` when none) with
`ContextEntries`, answered in AWS's XML (one EvaluationResult per action and resource, EvalDecision
`allowed` / `implicitDeny` / `explicitDeny`, MatchedStatements, ResourceSpecificResults). moto
authorizes the call itself (through the evaluator) before this runs, so a caller that may not
simulate gets AccessDenied even for a principal that does not exist, as on AWS.
"""
import sys
from xml.sax.saxutils import escape

from moto.core.responses import BaseResponse
from moto.iam.exceptions import InvalidInput as _InvalidInput
from moto.iam.responses import IamResponse

import moto_iam

_DECISIONS = {"Allowed": "allowed", "ImplicitlyDenied": "implicitDeny", "ExplicitlyDenied": "explicitDeny"}
_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


def _indexed(params, prefix):
    found = sorted((int(k[len(prefix) + 1:]), v) for k, v in params.items()
                   if k.startswith(prefix + ".") and k[len(prefix) + 1:].isdigit())
    return [v[0] if isinstance(v, list) else v for _, v in found]


def _context(params):
    """ContextEntries.member.N.ContextKeyName / ContextKeyValues.member.M / ContextKeyType."""
    context = {}
    n = 1
    while f"ContextEntries.member.{n}.ContextKeyName" in params:
        prefix = f"ContextEntries.member.{n}"
        key = _first(params[f"{prefix}.ContextKeyName"])
        values = _indexed(params, f"{prefix}.ContextKeyValues.member")
        kind = _first(params.get(f"{prefix}.ContextKeyType", ["string"]))
        context[key] = values if kind.endswith("List") or len(values) > 1 else (values[0] if values else "")
        n += 1
    return context


def _first(value):
    return value[0] if isinstance(value, list) else value


def _principal_policies(backend, arn):
    """(moto's user or role, its policies as moto's access keys collect them); NoSuchEntity if none."""
    kind, _, name = arn.split(":", 5)[5].partition("/")
    name = name.rsplit("/", 1)[-1]
    if kind == "role":
        role = backend.get_role(name)  # raises NoSuchEntity
        policies = [(n, doc) for n, doc in (backend.get_role_policy(name, p) for p in backend.list_role_policies(name))]
        attached, _ = backend.list_attached_role_policies(name)
        return role, policies + list(attached)
    if kind == "user":
        user = backend.get_user(name)
        policies = [backend.get_user_policy(name, p) for p in backend.list_user_policies(name)]
        attached, _ = backend.list_attached_user_policies(name)
        for group in backend.get_groups_for_user(name):
            policies += [backend.get_group_policy(group.name, p) for p in backend.list_group_policies(group.name)]
            policies += list(backend.list_attached_group_policies(group.name)[0])
        return user, policies + list(attached)
    raise _InvalidInput(f"Cannot simulate for {arn}: only users and roles are supported")


def _statements(matched):
    return "".join(
        f"<member><SourcePolicyId>{escape(m['policy'])}</SourcePolicyId>"
        f"<SourcePolicyType>IAM Policy</SourcePolicyType></member>" for m in matched)


def simulate(principal, account, policies, actions, resources, context):
    """(action, resource, EvalDecision, matched statements) for each pair; principal is moto's user or role."""
    documents = moto_iam.policy_documents(principal, policies)
    boundaries = moto_iam.boundary_documents(principal)
    out = []
    for action in actions:
        for resource in resources:
            answer = moto_iam.evaluate(principal.arn, account, documents, action, resource, context, boundaries)
            out.append((action, resource, _DECISIONS[answer["decision"]], answer.get("matched", [])))
    return out


def simulate_principal_policy(self):
    params = self.querystring
    source = _first(params.get("PolicySourceArn"))
    principal, policies = _principal_policies(self.backend, source)
    actions = _indexed(params, "ActionNames.member")
    resources = _indexed(params, "ResourceArns.member") or ["*"]
    members = []
    for action, resource, decision, matched in simulate(principal, self.current_account, policies, actions,
                                                        resources, _context(params)):
        statements = _statements(matched)
        members.append(
            f"<member><EvalActionName>{escape(action)}</EvalActionName>"
            f"<EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalDecision>{decision}</EvalDecision><MatchedStatements>{statements}</MatchedStatements>"
            f"<MissingContextValues/><ResourceSpecificResults><member>"
            f"<EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalResourceDecision>{decision}</EvalResourceDecision>"
            f"<MatchedStatements>{statements}</MatchedStatements><MissingContextValues/>"
            f"</member></ResourceSpecificResults></member>")
    return (f'<SimulatePrincipalPolicyResponse xmlns="{_NS}"><SimulatePrincipalPolicyResult>'
            f"<IsTruncated>false</IsTruncated><EvaluationResults>{''.join(members)}</EvaluationResults>"
            f"</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>labflow-moto-iam</RequestId>"
            f"</ResponseMetadata></SimulatePrincipalPolicyResponse>")


def activate():
    if "simulate_principal_policy" in IamResponse.__dict__ or "simulate_principal_policy" in BaseResponse.__dict__:
        sys.exit("moto now has simulate_principal_policy: review scripts/lib/moto_iam_simulate.py")
    IamResponse.simulate_principal_policy = simulate_principal_policy
