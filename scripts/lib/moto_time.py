"""AWS's time in the local stack: LABFLOW_AWS_TIME_SCALE (off when unset or empty).

On moto a stack is CREATE_COMPLETE in the answer to CreateStack, an instance is running at once
and an IAM entity is usable the moment it exists, so labflow's waits, polls and retries are only
ever tried where nothing takes time. With LABFLOW_AWS_TIME_SCALE=F (F > 0; 1 is AWS's time, 0.1
a tenth of it) every duration below takes F times its AWS figure:

- a stack answers CREATE_IN_PROGRESS (no outputs, only in-progress events) for CREATE_S after
  CreateStack, also when it then rolls back; moto has created its resources at once;
- DeleteStack answers at once and the stack stays DELETE_IN_PROGRESS, its resources in place, for
  DELETE_S; then moto deletes it. With LABFLOW_AWS_TIME_STALLS=P[,seed=N] (default 0.1,seed=1) a
  delete stalls on a dependency with probability P, drawn from the seed in the order of the
  deletes, and takes STALL_S more;
- an instance is `pending` (code 0) for PENDING_S after its launch, then `running`;
- a role cannot be assumed for PROPAGATION_S after its creation (AssumeRole answers 403
  AccessDenied), and EC2 does not know an instance profile for PROPAGATION_S after its creation
  (AssociateIamInstanceProfile answers InvalidParameterValue "Invalid IAM Instance Profile name");
- a policy change (a new default version, an attached or detached managed policy) is not seen by
  the IAM evaluator (requests, SimulatePrincipalPolicy; moto_iam.policy_documents asks
  `as_propagated`) for PROPAGATION_S: it decides with the default version and attachments of before;
- a deleted role's sessions keep acting for PROPAGATION_S after its deletion (moto_iam._principal
  asks `deleted_role`), with its policies as the evaluator saw them (a policy detached just before
  the deletion still counts for PROPAGATION_S after the detach); then they are refused.

Figures and sources: docs/aws.md, "Quotas, rate limits and time in the local stack".
"""
import os
import random
import re
import sys
import time
import uuid
from xml.sax.saxutils import escape

from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.core.exceptions import AccessDeniedError
from moto.core.utils import utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.iam_instance_profile import IamInstanceProfileAssociationBackend
from moto.ec2.models.instances import Instance, InstanceState
from moto.iam.models import IAMBackend, ManagedPolicy, Policy, iam_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sts.models import STSBackend

CREATE_S, DELETE_S, STALL_S, PENDING_S, PROPAGATION_S = 150, 90, 300, 17, 10

_settings = {"scale": 0.0}
_stalls = {"p": 0.1, "rng": random.Random(1)}
_deleting = {}  # stack id -> (its backend, moto's delete_stack, when its deletion is done)
_deleted_roles = {}  # (account, partition, role name) -> (the deleted role, until when its sessions act)
_caller = {"arn": None}  # who calls the AssumeRole being answered, when moto_iam authorized it
_IN_CREATION = ("CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED")


def _seconds(aws_seconds):
    return aws_seconds * _settings["scale"]


def parse(scale, stalls):
    """(scale, stall probability, seed); exits with one sentence when a value is wrong."""
    try:
        factor = float(scale)
    except ValueError:
        factor = -1.0
    if not factor > 0:
        sys.exit(f"LABFLOW_AWS_TIME_SCALE: '{scale}' is not a number above 0 (1 is AWS's time, 0.1 a tenth)")
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:,\s*seed=(\d+)\s*)?", stalls or "0.1,seed=1")
    if not match or float(match.group(1)) > 1:
        sys.exit(f"LABFLOW_AWS_TIME_STALLS: '{stalls}' is not P[,seed=N] with a probability P from 0 to 1")
    return factor, float(match.group(1)), int(match.group(2) or 1)


# Stacks: the status moto sets is kept as _labflow_status, the one answered derives from the clock.
def _get_status(self):
    status = self.__dict__.get("_labflow_status")
    if status in _IN_CREATION and time.monotonic() < self.__dict__.get("_labflow_created_at", 0):
        return "CREATE_IN_PROGRESS"
    return status


def _set_status(self, value):
    if value == "CREATE_IN_PROGRESS" and "_labflow_created_at" not in self.__dict__:
        self.__dict__["_labflow_created_at"] = time.monotonic() + _seconds(CREATE_S)
    self.__dict__["_labflow_status"] = value


def _events_so_far(original):
    def describe_stack_events(self, stack_name):
        events = original(self, stack_name)
        if self.get_stack(stack_name).status in ("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS"):
            return [e for e in events if e.resource_status.endswith("_IN_PROGRESS")]
        return events
    return describe_stack_events


def _delete_later(original):
    def delete_stack(self, name_or_stack_id):
        stack = next((s for s in list(self.stacks.values())
                      if name_or_stack_id in (s.stack_id, s.name)), None)
        if stack is None or stack.stack_id in _deleting:
            return None  # gone already, or being deleted: AWS answers success and does nothing more
        took = _seconds(DELETE_S + (STALL_S if _stalls["rng"].random() < _stalls["p"] else 0))
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        stack.status = "DELETE_IN_PROGRESS"
        _deleting[stack.stack_id] = (self, original, time.monotonic() + took)
        return None
    return delete_stack


def _finish_deletes():
    """Deletes the stacks whose time has come (called before each request, under moto's lock)."""
    now = time.monotonic()
    for stack_id, (backend, original, done_at) in list(_deleting.items()):
        if now < done_at:
            continue
        del _deleting[stack_id]
        stack = backend.stacks.get(stack_id)
        if stack is None:
            continue
        before = len(stack.events)
        try:
            original(backend, stack_id)
        except Exception as e:  # noqa: BLE001 - one stack's failure must not fail the request at hand
            print(f"moto_time: deleting stack {stack_id} failed: {e!r}", file=sys.stderr)
            continue
        if len(stack.events) > before and stack.events[before].resource_status == "DELETE_IN_PROGRESS":
            del stack.events[before]  # moto's own; the stack said so when it was asked to delete


# Instances: pending until their time, whatever moto set.
_original_instance_init = Instance.__init__


def _instance_init(self, *args, **kwargs):
    _original_instance_init(self, *args, **kwargs)
    self._labflow_running_at = time.monotonic() + _seconds(PENDING_S)


def _shown_state(self):
    state = self.__dict__["_state"]
    if state.name == "running" and time.monotonic() < self.__dict__.get("_labflow_running_at", 0):
        return InstanceState("pending", 0)
    return state


# IAM propagation.
class _NotAssumableYet(AccessDeniedError):
    """AWS's 403 AccessDenied in STS's own error body (moto's generic one is not STS's shape)."""

    def __init__(self, caller, role_arn):
        super().__init__(caller, f"sts:AssumeRole on resource: {role_arn}")
        self.description = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                            f"<Type>Sender</Type><Code>AccessDenied</Code><Message>{escape(self.message)}"
                            f"</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")


def caller(arn):
    """Who calls the AssumeRole being answered (moto_iam knows; moto's STS backend is not told)."""
    _caller["arn"] = arn


def _young(entity):
    return entity is not None and (utcnow() - entity.create_date).total_seconds() < _seconds(PROPAGATION_S)


def _assume_role(original):
    def assume_role(self, region_name, role_session_name, role_arn, *args, **kwargs):
        account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else self.account_id
        roles = list(iam_backends[account][self.partition].roles.values())
        who, _caller["arn"] = _caller["arn"], None
        if _young(next((r for r in roles if r.arn == role_arn), None)):
            # Without IAM enforcement nobody is authenticated: moto's own identity, as
            # GetCallerIdentity answers it then.
            raise _NotAssumableYet(who or f"arn:{self.partition}:sts::{self.account_id}:user/moto",
                                   role_arn)
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)
    return assume_role


def _profile_known(original):
    def associate(self, first, iam_instance_profile_name=None, iam_instance_profile_arn=None):
        profiles = list(iam_backends[self.account_id][self.partition].instance_profiles.values())
        profile = next((p for p in profiles if p.name == iam_instance_profile_name
                        or p.arn == iam_instance_profile_arn), None)
        if _young(profile):
            field, value = (("name", iam_instance_profile_name) if iam_instance_profile_name
                            else ("arn", iam_instance_profile_arn))
            raise EC2ClientError("InvalidParameterValue",
                                 f"Value ({value}) for parameter iamInstanceProfile.{field} is invalid."
                                 f" Invalid IAM Instance Profile {field}")
        return original(self, first, iam_instance_profile_name, iam_instance_profile_arn)
    return associate


# Policy changes: the entity keeps, for PROPAGATION_S, what IAM saw before each change.
def _remember(entity, key, before):
    if _settings["scale"]:
        now = time.monotonic()
        changes = [c for c in entity.__dict__.get(key, ()) if c[0] > now]
        entity.__dict__[key] = changes + [(now + _seconds(PROPAGATION_S), before)]


def _as_seen(entity, key, current):
    """What IAM sees now: the state before the oldest change still propagating, else the current one."""
    now = time.monotonic()
    return next((before for until, before in getattr(entity, "__dict__", {}).get(key, ()) if until > now),
                current)


def as_propagated(principal, policies):
    """A principal's policies (moto's user or role, its inline and managed ones) as IAM sees them now.

    The managed policies attached to the principal itself are those of PROPAGATION_S ago, and a
    managed policy whose default version changed since then is (its name, that version's document).
    """
    attached = getattr(principal, "managed_policies", {})
    seen = _as_seen(principal, "_labflow_attached", attached)
    policies = [p for p in policies if not isinstance(p, Policy) or p.arn not in attached or p.arn in seen]
    policies += [p for arn, p in seen.items() if arn not in attached]
    return [_default_as_seen(p) if isinstance(p, Policy) else p for p in policies]


def _default_as_seen(policy):
    document = _as_seen(policy, "_labflow_default", None)
    return policy if document is None else (policy.name, document)


def _default_version_later(original):
    def update_default_version(self, new_default_version_id):
        _remember(self, "_labflow_default",
                  next((v.document for v in self.versions if v.version_id == self.default_version_id), None))
        return original(self, new_default_version_id)
    return update_default_version


def _attachment_later(original):
    def change(self, obj):
        _remember(obj, "_labflow_attached", dict(obj.managed_policies))
        return original(self, obj)
    return change


def _role_acts_later(original):
    def delete_role(self, role_name):
        role = self.get_role(role_name)
        original(self, role_name)
        _deleted_roles[(self.account_id, self.partition, role_name)] = (
            role, time.monotonic() + _seconds(PROPAGATION_S))
    return delete_role


def deleted_role(backend, role_name):
    """The role of this name deleted less than PROPAGATION_S ago (its sessions still act), else None."""
    role, until = _deleted_roles.get((backend.account_id, backend.partition, role_name), (None, 0))
    return role if time.monotonic() < until else None


def install(lock, scale=None, stalls=None):
    """Runs AWS's time as LABFLOW_AWS_TIME_SCALE asks; does nothing when it is unset or empty.

    lock is moto_server.py's one-request-at-a-time lock: stacks finish deleting under it.
    """
    scale = os.environ.get("LABFLOW_AWS_TIME_SCALE", "") if scale is None else scale
    if not scale.strip():
        return None
    stalls = os.environ.get("LABFLOW_AWS_TIME_STALLS", "") if stalls is None else stalls
    factor, probability, seed = parse(scale, stalls)
    _settings["scale"] = factor
    _stalls.update(p=probability, rng=random.Random(seed))
    for cls, name in ((CloudFormationBackend, "delete_stack"), (CloudFormationBackend, "describe_stack_events"),
                      (STSBackend, "assume_role"),
                      (IamInstanceProfileAssociationBackend, "associate_iam_instance_profile"),
                      (IamInstanceProfileAssociationBackend, "replace_iam_instance_profile_association"),
                      (Policy, "update_default_version"), (ManagedPolicy, "attach_to"),
                      (ManagedPolicy, "detach_from"), (IAMBackend, "delete_role")):
        if name not in cls.__dict__:
            sys.exit(f"moto moved {cls.__name__}.{name}: review scripts/lib/moto_time.py")
    if "status" in Stack.__dict__ or "_state" in Instance.__dict__:
        sys.exit("moto changed Stack.status or Instance._state: review scripts/lib/moto_time.py")
    Stack.status = property(_get_status, _set_status)
    CloudFormationBackend.delete_stack = _delete_later(CloudFormationBackend.delete_stack)
    CloudFormationBackend.describe_stack_events = _events_so_far(CloudFormationBackend.describe_stack_events)
    Instance.__init__ = _instance_init
    for name in ("instance_state", "state", "state_code"):
        getter = {"instance_state": _shown_state, "state": lambda self: _shown_state(self).name,
                  "state_code": lambda self: _shown_state(self).code}[name]
        setattr(Instance, name, property(getter))
    STSBackend.assume_role = _assume_role(STSBackend.assume_role)
    for name in ("associate_iam_instance_profile", "replace_iam_instance_profile_association"):
        setattr(IamInstanceProfileAssociationBackend, name,
                _profile_known(IamInstanceProfileAssociationBackend.__dict__[name]))

    Policy.update_default_version = _default_version_later(Policy.update_default_version)
    for name in ("attach_to", "detach_from"):
        setattr(ManagedPolicy, name, _attachment_later(ManagedPolicy.__dict__[name]))
    IAMBackend.delete_role = _role_acts_later(IAMBackend.delete_role)

    dispatch = DomainDispatcherApplication.__call__

    def on_time(self, environ, start_response):
        if environ.get("PATH_INFO") == "/moto-api/reset":
            with lock:
                _deleting.clear()  # those stacks and roles are gone with their backends
                _deleted_roles.clear()
        if _deleting:
            with lock:
                _finish_deletes()
        return dispatch(self, environ, start_response)

    DomainDispatcherApplication.__call__ = on_time
    return factor, probability, seed
