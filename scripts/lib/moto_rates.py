"""AWS's API rate limits in the local stack: LABFLOW_AWS_RATES (off when unset or empty).

moto answers any number of requests a second, so a fleet's polling that AWS would throttle runs
through. With LABFLOW_AWS_RATES=default every EC2, IAM, STS, CloudFormation and Service Quotas
request takes a token from its API's bucket (AWS's token buckets, one per API and region, refilled
every second); an empty bucket answers as AWS does, without reaching moto: EC2
`RequestLimitExceeded` (HTTP 503), IAM, STS and CloudFormation `Throttling` "Rate exceeded"
(HTTP 400), Service Quotas `TooManyRequestsException` (HTTP 400). S3 is not metered.

Value: comma separated items, `default` and `FAMILY=SIZE/REFILL` (tokens, tokens a second), where
FAMILY is one API (`ec2.DescribeVpcs`, `cloudformation.DescribeStacks`), one of EC2's categories
(`ec2.mutating`, `ec2.non-mutating`, `ec2.unfiltered`, `ec2.uncategorized`), EC2's resource buckets
(`ec2.resource.RunInstances`, `ec2.resource.TerminateInstances`: tokens per instance) or a service
(`iam`, `sts`, `cloudformation`, `servicequotas`); a bucket of 0 tokens (`iam.DetachRolePolicy=0/0`)
throttles every request, as AWS throttling an API for as long as it lasts. GET
/moto-api/labflow/throttled answers the throttled requests counted since moto started or was reset,
by API, as JSON; POST /moto-api/labflow/rates replaces the rates with its body's (same syntax, empty
for none), so a test can throttle an API for a while. Figures and sources: docs/aws.md, "Quotas,
rate limits and time in the local stack".
"""
import io
import json
import os
import re
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

DEFAULTS = {
    # EC2 API reference, "Request throttling for the Amazon EC2 API": per API, per account and Region.
    "ec2.mutating": (50, 5), "ec2.non-mutating": (100, 20), "ec2.unfiltered": (50, 10),
    "ec2.uncategorized": (50, 5),
    "ec2.resource.RunInstances": (1000, 2), "ec2.resource.TerminateInstances": (1000, 20),
    "ec2.resource.StartInstances": (1000, 2), "ec2.resource.StopInstances": (1000, 20),
    # Not published by AWS (docs/aws.md says why these figures).
    "iam": (20, 10), "cloudformation": (20, 10),
    # IAM and STS quotas page: 600 requests a second per account and Region.
    "sts": (600, 600),
    # Service Quotas user guide, "API request rates": a rate and as many again in one burst.
    "servicequotas": (10, 5), "servicequotas.ListServiceQuotas": (20, 10),
    "servicequotas.ListAWSDefaultServiceQuotas": (20, 10),
}
_MUTATING = re.compile(r"^(Create|Delete|Modify|Run|Terminate|Start|Stop|Reboot|Associate|Disassociate"
                       r"|Attach|Detach|Authorize|Revoke|Allocate|Release|Replace|Assign|Unassign"
                       r"|Enable|Disable|Accept|Reject|Cancel|Import|Copy|Register|Deregister|Reset"
                       r"|Purchase|Request|Restore|Move|Apply|Update)")
_NON_MUTATING = re.compile(r"^(Describe|Get|List|Search)")
_INSTANCE_ID = re.compile(r"^InstanceId\.\d+$")
_CREDENTIAL = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request")

_rates = {}
_buckets = {}
_throttled = {}
_lock = threading.Lock()


def parse(setting):
    """The rates a setting asks for; a ValueError with one sentence when it is wrong."""
    rates = {}
    for item in (i.strip() for i in setting.split(",") if i.strip()):
        if item == "default":
            rates.update(DEFAULTS)
            continue
        family, _, value = item.partition("=")
        match = re.fullmatch(r"(\d+)/(\d+(?:\.\d+)?)", value.strip())
        if not family.strip() or not match:
            raise ValueError(f"'{item}' is neither 'default' nor FAMILY=SIZE/REFILL"
                             " (e.g. ec2.DescribeVpcs=100/20)")
        rates[family.strip()] = (int(match.group(1)), float(match.group(2)))
    return rates


def _ec2_category(action, params):
    if _NON_MUTATING.match(action):
        narrowed = any(k.startswith(("Filter", "MaxResults", "NextToken")) or re.search(r"Id\.\d+$", k)
                       for k in params)
        return "non-mutating" if narrowed or not action.startswith("Describe") else "unfiltered"
    return "mutating" if _MUTATING.match(action) else "uncategorized"


def _rate(service, action, params):
    """(bucket key, size, refill) of each bucket the request draws on, with its cost."""
    draws = []
    if service == "ec2":
        family = _rates.get(f"ec2.{action}") or _rates.get(f"ec2.{_ec2_category(action, params)}")
        resource = _rates.get(f"ec2.resource.{action}")
        if resource:
            count = (int(params.get("MaxCount", ["1"])[0]) if action == "RunInstances"
                     else sum(1 for k in params if _INSTANCE_ID.match(k)))
            draws.append((f"ec2.resource.{action}", resource, max(count, 1)))
    else:
        family = _rates.get(f"{service}.{action}") or _rates.get(service)
    if family:
        draws.insert(0, (f"{service}.{action}", family, 1))
    return draws


def _take(region, draws, now):
    """Takes the tokens of every bucket, or none when one lacks them."""
    states = []
    for key, (size, refill), cost in draws:
        tokens, last = _buckets.get((region, key), (size, now))
        tokens = min(size, tokens + (now - last) * refill)
        if tokens < cost:
            for k, t in states:  # refilled, but nothing taken
                _buckets[k] = (t, now)
            _buckets[(region, key)] = (tokens, now)
            return False
        states.append(((region, key), tokens - cost))
    for k, t in states:
        _buckets[k] = (t, now)
    return True


def _request(environ):
    """(service, region, action, params) of an AWS query or JSON request; None for anything else."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return None
    region, service = match.group(1), match.group(2)
    if service not in ("ec2", "iam", "sts", "cloudformation", "servicequotas"):
        return None
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return service, region, target.rsplit(".", 1)[-1], {}
    params = parse_qs(environ.get("QUERY_STRING", ""))
    if environ.get("REQUEST_METHOD") == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        params.update(parse_qs(body.decode("utf-8", "replace")))
    action = (params.get("Action") or [""])[0]
    return (service, region, action, params) if action else None


def _throttle_answer(service, start_response):
    request_id = str(uuid.uuid4())
    if service == "ec2":
        status, kind = "503 Service Unavailable", "text/xml"
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded'
                '</Code><Message>Request limit exceeded.</Message></Error></Errors>'
                f"<RequestID>{request_id}</RequestID></Response>")
    elif service == "servicequotas":
        status, kind = "400 Bad Request", "application/x-amz-json-1.1"
        body = json.dumps({"__type": "TooManyRequestsException", "message": "Rate exceeded"})
    else:
        status, kind = "400 Bad Request", "text/xml"
        body = (f'<ErrorResponse xmlns="https://{service}.amazonaws.com/doc/"><Error><Type>Sender</Type>'
                "<Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data))),
                            ("x-amzn-RequestId", request_id)])
    return [data]


def _counts():
    with _lock:
        return {"throttled": sum(_throttled.values()), "byApi": dict(sorted(_throttled.items()))}


def _json(start_response, status, value):
    data = json.dumps(value).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _set_rates(environ, start_response):
    """POST /moto-api/labflow/rates: its body's rates replace the ones in force, every bucket full."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    setting = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
    try:
        rates = parse(setting)
    except ValueError as e:
        return _json(start_response, "400 Bad Request", {"error": str(e)})
    with _lock:
        _rates.clear()
        _rates.update(rates)
        _buckets.clear()
    return _json(start_response, "200 OK", {k: list(v) for k, v in sorted(rates.items())})


def _metered(dispatch):
    def metered(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/moto-api/labflow/throttled":
            return _json(start_response, "200 OK", _counts())
        if path == "/moto-api/labflow/rates" and environ.get("REQUEST_METHOD") == "POST":
            return _set_rates(environ, start_response)
        if path == "/moto-api/reset":
            with _lock:
                _buckets.clear()
                _throttled.clear()
        request = _request(environ) if _rates else None
        if request:
            service, region, action, params = request
            draws = _rate(service, action, params)
            with _lock:
                allowed = not draws or _take(region, draws, time.monotonic())
                if not allowed:
                    _throttled[f"{service}.{action}"] = _throttled.get(f"{service}.{action}", 0) + 1
            if not allowed:
                return _throttle_answer(service, start_response)
        return dispatch(self, environ, start_response)

    return metered


def install(setting=None):
    """Meters requests as LABFLOW_AWS_RATES asks (none when it is unset or empty) until a POST to
    /moto-api/labflow/rates changes them; exits with one sentence when the variable is wrong."""
    setting = os.environ.get("LABFLOW_AWS_RATES", "") if setting is None else setting
    try:
        _rates.update(parse(setting))
    except ValueError as e:
        sys.exit(f"LABFLOW_AWS_RATES: {e}")
    # Outside moto_server.py's one-request-at-a-time lock: a throttled request never waits for it.
    DomainDispatcherApplication.__call__ = _metered(DomainDispatcherApplication.__call__)
    return dict(_rates)
