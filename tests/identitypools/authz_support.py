"""Signing helpers for the authorizer and DRF tests: botocore's own SigV4 signer, as clients sign."""
from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.iam.support import ACCOUNT, doc

REGION = "us-east-1"
APP = "https://notes.example.com"
BACKEND_POLICY = doc({"Effect": "Allow", "Action": "authorizer:IsAuthorized", "Resource": "arn:aws:myapp:::*"})


def credentials(key: dict | tuple) -> Credentials:
    """botocore credentials from an STS `Credentials` dict or a (key id, secret) pair."""
    if isinstance(key, dict):
        return Credentials(key["AccessKeyId"], key["SecretAccessKey"], key.get("SessionToken"))
    return Credentials(key[0], key[1])


def sign(creds: Credentials | None, method: str, url: str, *, body: bytes = b"", service: str = "myapp", headers: dict | None = None) -> AWSRequest:
    """A request signed like an SDK signs it (SigV4Auth); unsigned when `creds` is None."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if creds is not None:
        SigV4Auth(creds, service, REGION).add_auth(request)
    return request


def received(request: AWSRequest, **extra) -> dict:
    """The `request` member of an authorizer question: what the app backend received."""
    parts = urlsplit(request.url)
    headers = {name: value for name, value in request.headers.items()}
    headers["Host"] = parts.netloc  # the client sent it; botocore signs it without storing it
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    return {
        "method": request.method, "path": parts.path, "queryString": parts.query, "headers": headers,
        "bodySha256": hashlib.sha256(body).hexdigest(), **extra,
    }


def ask(base_url: str, backend: Credentials | None, question: dict | str) -> requests.Response:
    """POST /api/v1/authorize, signed by the app backend's own key (service `authorizer`)."""
    body = question if isinstance(question, str) else json.dumps(question)
    request = sign(backend, "POST", base_url + "/api/v1/authorize", body=body.encode(), service="authorizer",
                   headers={"Content-Type": "application/json"})
    return requests.post(base_url + "/api/v1/authorize", data=body.encode(), headers=dict(request.headers), timeout=30)


def send(request: AWSRequest) -> requests.Response:
    """Send a signed request as signed (the live server's host is the one in its URL)."""
    return requests.request(request.method, request.url, data=request.body, headers=dict(request.headers), timeout=30)


def reader_trust() -> str:
    """A trust policy letting the account's users assume the role and tag the session."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
    }]})
