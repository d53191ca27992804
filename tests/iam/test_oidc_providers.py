"""IAM OIDC identity providers, and AssumeRoleWithWebIdentity with a token from an external
issuer (a small issuer served from the test, its JWKS fetched over HTTP)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.conftest import error_code, make_client
from tests.iam.support import ACCOUNT, allow, clients, doc


@pytest.fixture
def issuer():
    """A minimal OIDC issuer on a loopback port: discovery and JWKS; yields (url, signing key)."""
    key = RSAKey.generate_key(2048, parameters={"kid": "test-kid", "alg": "RS256", "use": "sig"})
    state = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            base = state["url"]
            if self.path == "/.well-known/openid-configuration":
                body = {"issuer": base, "jwks_uri": base + "/jwks.json"}
            elif self.path == "/jwks.json":
                body = {"keys": [key.as_dict(private=False)]}
            else:
                self.send_response(404)
                self.end_headers()
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    state["url"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["url"], key
    server.shutdown()


def _token(url: str, key: RSAKey, **claims) -> str:
    now = int(time.time())
    body = {"iss": url, "sub": "user-1", "aud": "my-app", "iat": now, "exp": now + 300, **claims}
    return jwt.encode({"alg": "RS256", "kid": "test-kid"}, body, key)


def test_provider_lifecycle(live_server):
    iam = make_client(live_server.url, "iam")
    arn = iam.create_open_id_connect_provider(Url="https://issuer.example.com/path", ClientIDList=["a"], ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/issuer.example.com/path"
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "issuer.example.com/path" and got["ClientIDList"] == ["a"]
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == [{"Arn": arn}]
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="https://issuer.example.com/path", ThumbprintList=["0" * 40])
    assert error_code(excinfo) == "EntityAlreadyExists"
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="http://issuer.example.com", ThumbprintList=["0" * 40])
    assert error_code(excinfo) == "ValidationError"
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_code(excinfo) == "NoSuchEntity"


def test_web_identity_from_a_registered_provider(live_server, issuer):
    url, key = issuer
    iam = make_client(live_server.url, "iam")
    provider_arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["my-app"], ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
    name = url.split("://", 1)[1]
    role_arn = iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
                       "Condition": {"StringEquals": {f"{name}:sub": "user-1", f"{name}:aud": "my-app"}}}],
    }))["Role"]["Arn"]
    iam.put_role_policy(RoleName="ci", PolicyName="p", PolicyDocument=doc(allow("iam:ListRoles")))
    sts = boto3.client("sts", endpoint_url=live_server.url, region_name="us-east-1", config=Config(signature_version=UNSIGNED))
    out = sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci-run", WebIdentityToken=_token(url, key))
    assert out["SubjectFromWebIdentityToken"] == "user-1" and out["Provider"] == name
    session = clients(live_server.url, out["Credentials"]["AccessKeyId"], out["Credentials"]["SecretAccessKey"], out["Credentials"]["SessionToken"])
    assert session["iam"].list_roles()["Roles"]
    forged = RSAKey.generate_key(2048, parameters={"kid": "test-kid"})
    for bad, code in (
        (_token(url, key, sub="user-2"), "AccessDenied"),  # the trust policy's condition
        (_token(url, key, aud="other-app"), "InvalidIdentityToken"),  # not a client id the provider lists
        (_token(url, forged), "InvalidIdentityToken"),  # not signed by the issuer's keys
    ):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci-run", WebIdentityToken=bad)
        assert error_code(excinfo) == code
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci-run", WebIdentityToken=_token(url, key, exp=int(time.time()) - 10))
    assert error_code(excinfo) == "ExpiredTokenException"
