"""S3's answer, in the local stack, to a request for a bucket that lives in another Region.

moto answers a bucket's requests whatever Region the client signed them for. AWS does not: a
request sent to one Region's endpoint for a bucket made in another is answered 301
`PermanentRedirect` ("The bucket you are attempting to access must be addressed using the
specified endpoint..."), the bucket's Region in the `x-amz-bucket-region` header, and the SDKs do
not follow it unless told to. So an account's buckets of other Regions, which `ListBuckets` lists
with the rest, could be read here and not on AWS. Requests that name no bucket (`ListBuckets`) and
`CreateBucket` (which names its Region) go through; path-style requests only, which is what the
SDKs send to the local stack's address. Always on: it is how S3 answers (docs/aws.md).
"""
import re
import uuid

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.s3.models import s3_backends

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/s3/aws4_request")
_QUERY_SCOPE = re.compile(r"X-Amz-Credential=[^&]*?(?:/|%2F)([a-z0-9-]+)(?:/|%2F)s3(?:/|%2F)")
_MESSAGE = ("The bucket you are attempting to access must be addressed using the specified"
            " endpoint. Please send all future requests to this endpoint.")


def _signed_region(environ):
    """The Region an S3 request was signed for, or None for a request that is not S3's."""
    m = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", "")) \
        or _QUERY_SCOPE.search(environ.get("QUERY_STRING", ""))
    return m.group(1) if m else None


def _bucket_region(name):
    for account in list(s3_backends.keys()):
        bucket = s3_backends[account]["global"].buckets.get(name)
        if bucket is not None:
            return bucket.region_name
    return None


def _redirect(environ, start_response, bucket, region):
    request_id = uuid.uuid4().hex[:16].upper()
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code>'
        f"<Message>{_MESSAGE}</Message><Endpoint>s3.{region}.amazonaws.com</Endpoint>"
        f"<Bucket>{bucket}</Bucket><RequestId>{request_id}</RequestId>"
        f"<HostId>{uuid.uuid4().hex}</HostId></Error>").encode("utf-8")
    start_response("301 Moved Permanently", [
        ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
        ("x-amz-bucket-region", region), ("x-amz-request-id", request_id)])
    return [body]


def _regional(dispatch):
    def regional(self, environ, start_response):
        signed = _signed_region(environ)
        path = environ.get("PATH_INFO", "")
        bucket = path.lstrip("/").split("/", 1)[0]
        creates = environ.get("REQUEST_METHOD") == "PUT" and "/" not in path.strip("/") \
            and not environ.get("QUERY_STRING")
        if signed and bucket and not path.startswith("/moto-api") and not creates:
            region = _bucket_region(bucket)
            if region is not None and region != signed:
                return _redirect(environ, start_response, bucket, region)
        return dispatch(self, environ, start_response)

    return regional


def install():
    DomainDispatcherApplication.__call__ = _regional(DomainDispatcherApplication.__call__)
