"""AWS's default quotas in the local stack: LABFLOW_AWS_QUOTAS (off when unset or empty).

moto 5.2.1 lets an account hold any number of VPCs, gateways, roles, ... so a fleet that fails on
a fresh AWS account from its fifth lab on runs through on moto. With LABFLOW_AWS_QUOTAS=default
the launcher refuses a create past the quota with AWS's own error code and message, whether the
call comes from a client or from CloudFormation (then the stack fails and rolls back as
moto_server.py already makes it do), and answers the Service Quotas API for those quotas (moto
answers only `vpc`'s AWS defaults, without GetAWSDefaultServiceQuota or ListServiceQuotas).

Value: comma separated items, `default` (AWS's default values below) and `CODE=N` (a quota's
applied value, e.g. `default,L-F678F1CE=8`), or `@FILE`, a JSON object {"L-F678F1CE": 8}.
Figures and sources: docs/aws.md, "Quotas, rate limits and time in the local stack".
"""
import inspect
import json
import os
import sys
from collections import namedtuple

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
from moto.ec2.models.internet_gateways import InternetGatewayBackend
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.vpcs import VPCBackend
from moto.iam.exceptions import LimitExceededException
from moto.iam.models import IAMBackend
from moto.s3.exceptions import S3ClientError
from moto.s3.models import S3Backend
from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.responses import ServiceQuotasResponse

SERVICE_NAMES = {"vpc": "Amazon Virtual Private Cloud (Amazon VPC)",
                 "ec2": "Amazon Elastic Compute Cloud (Amazon EC2)",
                 "iam": "AWS Identity and Access Management (IAM)",
                 "s3": "Amazon Simple Storage Service (Amazon S3)"}

# service, quota code, name, AWS default, global (IAM and S3 count per account), the backend
# method that creates one, what counts against it, the error (code, message; None: IAM's).
Quota = namedtuple("Quota", "service code name default is_global cls method usage error")


def _customer_policies(iam):
    return sum(1 for arn in list(iam.managed_policies) if not arn.startswith("arn:aws:iam::aws:"))


QUOTAS = [
    Quota("vpc", "L-F678F1CE", "VPCs per Region", 5, False, VPCBackend, "create_vpc",
          lambda b: len(b.vpcs), ("VpcLimitExceeded", "The maximum number of VPCs has been reached.")),
    Quota("vpc", "L-A4707A72", "Internet gateways per Region", 5, False, InternetGatewayBackend,
          "create_internet_gateway", lambda b: len(b.internet_gateways),
          ("InternetGatewayLimitExceeded", "The maximum number of internet gateways has been reached.")),
    Quota("vpc", "L-E79EC296", "VPC security groups per Region", 2500, False, SecurityGroupBackend,
          "create_security_group", lambda b: sum(len(g) for g in list(b.groups.values())),
          ("SecurityGroupLimitExceeded", "The maximum number of security groups has been reached.")),
    Quota("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5, False, ElasticAddressBackend,
          "allocate_address", lambda b: len(b.addresses),
          ("AddressLimitExceeded", "The maximum number of addresses has been reached.")),
    Quota("iam", "L-FE177D64", "Roles per account", 1000, True, IAMBackend, "create_role",
          lambda b: len(b.roles), ("LimitExceeded", "Cannot exceed quota for RolesPerAccount: {value}")),
    Quota("iam", "L-E95E4862", "Customer managed policies per account", 1500, True, IAMBackend,
          "create_policy", _customer_policies,
          ("LimitExceeded", "Cannot exceed quota for PoliciesPerAccount: {value}")),
    Quota("iam", "L-6E65F664", "Instance profiles per account", 1000, True, IAMBackend,
          "create_instance_profile", lambda b: len(b.instance_profiles),
          ("LimitExceeded", "Cannot exceed quota for InstanceProfilesPerAccount: {value}")),
    Quota("s3", "L-DC2B2D3D", "General purpose buckets", 10000, True, S3Backend, "create_bucket",
          lambda b: len(b.buckets),
          ("TooManyBuckets", "You have attempted to create more buckets than allowed")),
]
BY_CODE = {q.code: q for q in QUOTAS}

# Applied values by quota code, set by install().
_applied = {}


def parse(setting):
    """The applied values LABFLOW_AWS_QUOTAS asks for; exits with one sentence when it is wrong."""
    values = {}
    for item in (i.strip() for i in setting.split(",")):
        if item == "default":
            values.update({q.code: q.default for q in QUOTAS})
        elif item.startswith("@"):
            try:
                with open(item[1:], encoding="utf-8") as f:
                    loaded = json.load(f)
            except (OSError, ValueError) as e:
                sys.exit(f"LABFLOW_AWS_QUOTAS: cannot read the quota file {item[1:]}: {e}")
            if not isinstance(loaded, dict):
                sys.exit(f"LABFLOW_AWS_QUOTAS: {item[1:]} must hold a JSON object of quota code to value")
            for code, value in loaded.items():
                values[code] = _value(code, value)
        elif "=" in item:
            code, value = item.split("=", 1)
            values[code.strip()] = _value(code.strip(), value.strip())
        else:
            sys.exit(f"LABFLOW_AWS_QUOTAS: '{item}' is neither 'default', CODE=N nor @FILE"
                     f" (codes: {', '.join(BY_CODE)})")
    return values


def _value(code, value):
    if code not in BY_CODE:
        sys.exit(f"LABFLOW_AWS_QUOTAS: unknown quota code {code} (known: {', '.join(BY_CODE)})")
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        sys.exit(f"LABFLOW_AWS_QUOTAS: the value of {code} must be a whole number >= 0, not '{value}'")
    return number


def _refusal(quota, value):
    code, message = quota.error
    message = message.format(value=value)
    if quota.service == "iam":
        return LimitExceededException(message)
    if quota.service == "s3":
        return S3ClientError(code, message)
    return EC2ClientError(code, message)


def _exists(quota, backend, call):
    """A create that moto answers 'already exists' (a retry) is not refused for the quota."""
    if quota.method == "create_role":
        return any(r.name == call["role_name"] for r in list(backend.roles.values()))
    if quota.method == "create_policy":
        return any(p.name == call["policy_name"] and p.path == (call.get("path") or "/")
                   for p in list(backend.managed_policies.values()))
    if quota.method == "create_instance_profile":
        return call["name"] in backend.instance_profiles
    if quota.method == "create_bucket":
        return call["bucket_name"] in backend.buckets
    return False


def _guard(quota):
    original = quota.cls.__dict__[quota.method]
    signature = inspect.signature(original)

    def guarded(self, *args, **kwargs):
        value = _applied.get(quota.code)
        call = signature.bind(self, *args, **kwargs).arguments
        if (value is not None and not call.get("is_default")
                and quota.usage(self) >= value and not _exists(quota, self, call)):
            raise _refusal(quota, value)
        return original(self, *args, **kwargs)

    setattr(quota.cls, quota.method, guarded)


def _quota(quota, region, account_id, value):
    """Service Quotas' answer for one quota; an AWS default's ARN names no account."""
    return {"ServiceCode": quota.service, "ServiceName": SERVICE_NAMES[quota.service],
            "QuotaArn": f"arn:aws:servicequotas:{region}:{account_id or ''}:{quota.service}/{quota.code}",
            "QuotaCode": quota.code, "QuotaName": quota.name, "Value": float(value), "Unit": "None",
            "Adjustable": True, "GlobalQuota": quota.is_global,
            "QuotaAppliedAtLevel": "ACCOUNT"}


def _ours(service_code):
    return [q for q in QUOTAS if q.service == service_code]


def _patch_service_quotas():
    moto_defaults = ServiceQuotasBackend.list_aws_default_service_quotas

    def defaults(self, service_code):
        ours = [_quota(q, self.region_name, None, q.default) for q in _ours(service_code)]
        if service_code != "vpc":
            if not ours:
                raise NoSuchResource
            return ours
        codes = {q["QuotaCode"] for q in ours}
        return [q for q in moto_defaults(self, "vpc") if q["QuotaCode"] not in codes] + ours

    def applied(self, service_code):
        quotas = ((BY_CODE.get(d["QuotaCode"]), d) for d in defaults(self, service_code))
        return [_quota(q, self.region_name, self.account_id, _applied.get(q.code, q.default)) if q else d
                for q, d in quotas]

    def one(quotas, quota_code):
        for q in quotas:
            if q["QuotaCode"] == quota_code:
                return q
        raise NoSuchResource

    ServiceQuotasBackend.list_aws_default_service_quotas = defaults
    ServiceQuotasBackend.list_service_quotas = applied
    ServiceQuotasBackend.get_service_quota = (
        lambda self, service_code, quota_code: one(applied(self, service_code), quota_code))
    ServiceQuotasBackend.get_aws_default_service_quota = (
        lambda self, service_code, quota_code: one(defaults(self, service_code), quota_code))

    def answer(method, key, with_code):
        def respond(self):
            params = json.loads(self.body)
            args = [str(params.get("ServiceCode"))] + ([str(params.get("QuotaCode"))] if with_code else [])
            return json.dumps({key: getattr(self.backend, method)(*args)})
        return respond

    ServiceQuotasResponse.get_aws_default_service_quota = answer("get_aws_default_service_quota", "Quota", True)
    ServiceQuotasResponse.list_service_quotas = answer("list_service_quotas", "Quotas", False)


def install(setting=None):
    """Enforces the quotas LABFLOW_AWS_QUOTAS names; does nothing when it is unset or empty."""
    setting = os.environ.get("LABFLOW_AWS_QUOTAS", "") if setting is None else setting
    if not setting.strip():
        return None
    _applied.update(parse(setting))
    for quota in QUOTAS:
        if quota.method not in quota.cls.__dict__:
            sys.exit(f"moto moved {quota.cls.__name__}.{quota.method}: review scripts/lib/moto_quotas.py")
        _guard(quota)
    for name in ("list_service_quotas", "get_aws_default_service_quota"):
        if name in ServiceQuotasBackend.__dict__ or name in ServiceQuotasResponse.__dict__:
            sys.exit(f"moto now has servicequotas {name}: review scripts/lib/moto_quotas.py")
    _patch_service_quotas()
    return dict(_applied)
