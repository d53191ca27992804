"""Signing helpers for the authorizer and DRF tests: botocore's own SigV4 signer, as clients sign."""
from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iam.models import Role
from iam.services import sts as sts_service
from tests.conftest import make_client
from tests.iam.support import ACCOUNT, allow, clients, deny, doc, user_with_key

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


@pytest.fixture
def world(live_server):
    """A notes backend allowed to ask, a role reading its session's team's notes (never secrets)
    and a user who may assume it."""
    iam = make_client(live_server.url, "iam")
    backend = credentials(user_with_key(iam, "notes-backend", BACKEND_POLICY))
    iam.create_role(RoleName="notes-reader", AssumeRolePolicyDocument=reader_trust())
    iam.put_role_policy(RoleName="notes-reader", PolicyName="read", PolicyDocument=doc(
        {"Sid": "ReadOwnTeam", **allow("myapp:ReadNote", "arn:aws:myapp:::note/${aws:PrincipalTag/team}/*")},
        {"Sid": "NoSecrets", **deny("myapp:ReadNote", "arn:aws:myapp:::note/*/secret")},
        {"Sid": "ListMine", **allow("myapp:ListNotes", "*", Condition={"StringEquals": {"myapp:Scope": "mine"}})},
    ))
    caller = clients(live_server.url, *user_with_key(iam, "alice-app", doc(allow("sts:AssumeRole"))))
    assumed = caller["sts"].assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/notes-reader", RoleSessionName="alice", Tags=[{"Key": "team", "Value": "blue"}]
    )
    return {"url": live_server.url, "iam": iam, "backend": backend, "alice": credentials(assumed["Credentials"]), "assumed": assumed}


def identity_session(iam, sub: str) -> Credentials:
    """Credentials shaped as identity pools issue them: a role session named
    CognitoIdentityCredentials carrying `cognito-identity.amazonaws.com:*` keys in its token, for a
    role whose policy names the identity's own notes."""
    if not Role.objects.filter(name="notes-identity").exists():
        iam.create_role(RoleName="notes-identity", AssumeRolePolicyDocument=reader_trust())
        iam.put_role_policy(RoleName="notes-identity", PolicyName="own", PolicyDocument=doc(
            allow("myapp:ReadNote", "arn:aws:myapp:::note/${cognito-identity.amazonaws.com:sub}/*"),
        ))
    keys = {
        "cognito-identity.amazonaws.com:sub": sub,
        "cognito-identity.amazonaws.com:aud": "us-east-1:0b4f3f9e-0000-4000-8000-000000000001",
        "cognito-identity.amazonaws.com:amr": ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"],
    }
    issued = sts_service.role_session(
        Role.objects.get(name="notes-identity"), "CognitoIdentityCredentials", (None, (), 0), {}, 3600, context=keys
    ).credentials
    return Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token)


def expired_session() -> Credentials:
    """A notes-reader session (team blue) that expired a minute ago."""
    issued = sts_service.role_session(Role.objects.get(name="notes-reader"), "late", (None, (), 0), {"team": "blue"}, -60).credentials
    return Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token)
