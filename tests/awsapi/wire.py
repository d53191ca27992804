"""Calls through the real HTTP stack (Django's test Client against `POST /`), signed with the
root key by botocore's own SigV4 signer, or unsigned."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer
from django.conf import settings
from django.test import Client

from awsapi import registry

REGION = "us-east-1"
URL = "http://testserver/"


def operation(model_name: str, name: str) -> registry.Operation:
    service = next(s for s in registry.REGISTRY._services.values() if s.model_name == model_name)
    op = registry.REGISTRY.operation(service, name)
    assert op is not None, (model_name, name)
    return op


def encode(op: registry.Operation, params: dict) -> tuple[bytes, dict]:
    """The body and headers an SDK would send for `params` (lone surrogates kept as sent)."""
    if op.service.protocol == "query":
        try:
            form = create_serializer("query").serialize_to_request(params, op.model)["body"]
        except Exception:  # wrong types botocore cannot serialize: send them as flat strings
            form = {"Action": op.name, "Version": op.service.model.api_version, **{k: str(v) for k, v in params.items()}}
        body = urlencode(form, errors="surrogatepass").encode()  # a lone surrogate travels as invalid UTF-8
        return body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    body = json.dumps(params).encode()  # ensure_ascii: lone surrogates travel as \ud800 escapes
    return body, {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{op.service.target_prefix}.{op.name}"}


def post(op: registry.Operation, body: bytes, headers: dict, signed: bool = True):
    """POST `body` to `/`, signed for the operation's service unless `signed` is false."""
    headers = sent_headers(op, body, headers, signed)
    return Client().post("/", data=body, content_type=headers["Content-Type"], **meta_headers(headers))


def sent_headers(op: registry.Operation, body: bytes, headers: dict, signed: bool = True) -> dict:
    """`headers`, with botocore's SigV4 signature for the operation's service unless `signed` is false."""
    if not signed:
        return headers
    request = AWSRequest(method="POST", url=URL, data=body, headers=headers)
    credentials = Credentials(settings.ROOT_ACCESS_KEY_ID, settings.ROOT_SECRET_ACCESS_KEY)
    SigV4Auth(credentials, op.service.signing_name, REGION).add_auth(request)
    return dict(request.headers)


def meta_headers(headers: dict) -> dict:
    """The headers but Content-Type as WSGI environ entries (HTTP_...)."""
    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items() if name.lower() != "content-type"}
    extra["HTTP_HOST"] = "testserver"  # botocore signs the host without storing it in the headers
    return extra


def call(op: registry.Operation, params: dict, signed: bool = True):
    """Send request members as an SDK would."""
    body, headers = encode(op, params)
    return post(op, body, headers, signed)


def ok(model_name: str, name: str, params: dict) -> dict:
    """A call that must succeed; its JSON answer."""
    response = call(operation(model_name, name), params)
    assert response.status_code == 200, (name, response.content)
    return json.loads(response.content)
