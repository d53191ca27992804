"""POST /api/v1/authorize with real SigV4 signatures (botocore's signer): role sessions from STS,
identity-pool-shaped sessions carrying `cognito-identity.amazonaws.com:*` keys, web-identity
sessions and IAM user keys; allowed, implicitly and explicitly denied, tampered, expired and
unsigned end-user requests; and the backend's own authentication, permission and input checks."""
from __future__ import annotations

import hashlib
import json

import pytest
from botocore.credentials import Credentials
from django.conf import settings

from tests.conftest import make_client
from tests.iam.support import ACCOUNT, allow, doc, user_with_key
from tests.identitypools.authz_support import APP, ask, credentials, expired_session, identity_session, received, sign, world

SUB = "us-east-1:2f0c6c1e-8a49-4c0e-9d7b-5a1c3e2b9f10"


def _question(request, action="myapp:ReadNote", resource="arn:aws:myapp:::note/blue/1", **extra) -> dict:
    return {"request": received(request), "action": action, "resource": resource, **extra}


def test_a_role_session_is_allowed_exactly_what_its_role_allows(world):
    request = sign(world["alice"], "GET", APP + "/notes/blue/1?view=full")
    reply = ask(world["url"], world["backend"], _question(request))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["decision"] == "Allow", body
    assert body["principal"]["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/notes-reader/alice"
    assert body["principal"]["userId"] == world["assumed"]["AssumedRoleUser"]["AssumedRoleId"]
    assert body["principal"]["accountId"] == ACCOUNT and body["principal"]["type"] == "AssumedRole"
    assert body["matchedStatement"] == {"effect": "Allow", "policyType": "identity", "policy": "role/notes-reader/read", "statement": "ReadOwnTeam"}
    assert "errorCode" not in body

    other_team = ask(world["url"], world["backend"], _question(request, resource="arn:aws:myapp:::note/red/1")).json()
    assert other_team["decision"] == "Deny" and other_team["matchedStatement"] is None
    assert other_team["reason"] == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/notes-reader/alice is not authorized to perform: myapp:ReadNote "
        "on resource: arn:aws:myapp:::note/red/1 because no identity-based policy allows the myapp:ReadNote action"
    )
    secret = ask(world["url"], world["backend"], _question(request, resource="arn:aws:myapp:::note/blue/secret")).json()
    assert secret["decision"] == "Deny"
    assert secret["matchedStatement"] == {"effect": "Deny", "policyType": "identity", "policy": "role/notes-reader/read", "statement": "NoSecrets"}
    assert secret["reason"].endswith("with an explicit deny in an identity-based policy")
    unknown_action = ask(world["url"], world["backend"], _question(request, action="myapp:DeleteNote")).json()
    assert unknown_action["decision"] == "Deny"


def test_extra_context_keys_reach_the_conditions_but_never_replace_the_callers(world):
    request = sign(world["alice"], "GET", APP + "/notes")
    listing = {"action": "myapp:ListNotes", "resource": "arn:aws:myapp:::note"}
    mine = ask(world["url"], world["backend"], _question(request, **listing, context={"myapp:Scope": "mine"}))
    assert mine.json()["decision"] == "Allow"
    everyone = ask(world["url"], world["backend"], _question(request, **listing, context={"myapp:Scope": "all"}))
    assert everyone.json()["decision"] == "Deny"
    for spoof in ({"aws:PrincipalTag/team": "red"}, {"cognito-identity.amazonaws.com:sub": "us-east-1:victim"}):
        spoofed = ask(world["url"], world["backend"], _question(request, context=spoof))
        assert spoofed.status_code == 400 and spoofed.json()["__type"] == "ValidationException"
        assert "not in the action's namespace" in spoofed.json()["message"]


def test_an_iam_user_key_is_honoured_with_its_own_policy_variables(world):
    bob = credentials(user_with_key(world["iam"], "bob", doc(allow("myapp:*", "arn:aws:myapp:::note/${aws:username}/*"))))
    request = sign(bob, "GET", APP + "/notes/bob/7")
    body = ask(world["url"], world["backend"], _question(request, resource="arn:aws:myapp:::note/bob/7")).json()
    assert body["decision"] == "Allow" and body["principal"]["type"] == "IAMUser"
    assert body["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT}:user/bob" and body["principal"]["userId"].startswith("AIDA")
    assert body["matchedStatement"]["policy"] == "user/bob/p0"
    assert ask(world["url"], world["backend"], _question(request, resource="arn:aws:myapp:::note/alice/7")).json()["decision"] == "Deny"


def test_the_body_is_covered_by_its_hash_or_given_whole(world):
    bob = credentials(user_with_key(world["iam"], "bob", doc(allow("myapp:*", "arn:aws:myapp:::note/${aws:username}/*"))))
    payload = b'{"text": "hello"}'
    request = sign(bob, "PUT", APP + "/notes/bob/8", body=payload, headers={"Content-Type": "application/json"})
    by_hash = _question(request, action="myapp:WriteNote", resource="arn:aws:myapp:::note/bob/8")
    assert ask(world["url"], world["backend"], by_hash).json()["decision"] == "Allow"
    whole = dict(by_hash, request={**{k: v for k, v in by_hash["request"].items() if k != "bodySha256"}, "body": payload.decode()})
    assert ask(world["url"], world["backend"], whole).json()["decision"] == "Allow"
    other = dict(by_hash, request={**by_hash["request"], "bodySha256": hashlib.sha256(b'{"text": "evil"}').hexdigest()})
    refused = ask(world["url"], world["backend"], other).json()
    assert refused["decision"] == "Deny" and refused["errorCode"] == "InvalidSignatureException" and refused["principal"] is None


def test_a_tampered_request_is_denied_with_the_signature_error(world):
    request = sign(world["alice"], "GET", APP + "/notes/blue/1")
    question = _question(request)
    headers = dict(question["request"]["headers"])
    signature = headers["Authorization"]
    headers["Authorization"] = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    forged = ask(world["url"], world["backend"], dict(question, request={**question["request"], "headers": headers})).json()
    assert forged == {
        "decision": "Deny", "principal": None, "matchedStatement": None, "errorCode": "InvalidSignatureException",
        "reason": forged["reason"],
    } and forged["reason"].startswith("InvalidSignatureException: ")
    moved = ask(world["url"], world["backend"], dict(question, request={**question["request"], "path": "/notes/blue/2"})).json()
    assert moved["errorCode"] == "InvalidSignatureException"
    headers = dict(question["request"]["headers"], **{"X-Amz-Security-Token": question["request"]["headers"]["X-Amz-Security-Token"][:-4] + "AAAA"})
    bad_token = ask(world["url"], world["backend"], dict(question, request={**question["request"], "headers": headers})).json()
    assert bad_token["decision"] == "Deny" and bad_token["errorCode"] == "UnrecognizedClientException"


def test_an_expired_session_token_is_denied(world):
    request = sign(expired_session(), "GET", APP + "/notes/blue/1")
    body = ask(world["url"], world["backend"], _question(request)).json()
    assert body["decision"] == "Deny" and body["errorCode"] == "ExpiredTokenException"
    assert body["reason"] == "ExpiredTokenException: The security token included in the request is expired"


def test_an_unsigned_request_is_denied_as_unauthenticated(world):
    request = sign(None, "GET", APP + "/notes/blue/1")
    body = ask(world["url"], world["backend"], _question(request)).json()
    assert body["decision"] == "Deny" and body["errorCode"] == "MissingAuthenticationTokenException"


def test_identity_pool_session_keys_resolve_in_the_roles_policies(world):
    """An identity pool's credentials are role sessions carrying `cognito-identity.amazonaws.com:*`
    keys (sealed in the session token); the role's policy names the identity's own notes."""
    identity = identity_session(world["iam"], SUB)
    own = ask(world["url"], world["backend"], _question(sign(identity, "GET", APP + f"/notes/{SUB}/1"), resource=f"arn:aws:myapp:::note/{SUB}/1")).json()
    assert own["decision"] == "Allow"
    assert own["principal"]["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/notes-identity/CognitoIdentityCredentials"
    assert own["principal"]["context"]["cognito-identity.amazonaws.com:sub"] == SUB
    theirs = ask(world["url"], world["backend"], _question(sign(identity, "GET", APP + "/notes/x/1"), resource="arn:aws:myapp:::note/us-east-1:other/1"))
    assert theirs.json()["decision"] == "Deny"


def test_a_web_identity_sessions_provider_keys_resolve_in_the_roles_policies(world):
    idp, iam = make_client(world["url"]), world["iam"]
    pool = idp.create_user_pool(PoolName="notes")["UserPool"]["Id"]
    flows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = idp.create_user_pool_client(UserPoolId=pool, ClientName="c", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="carol", TemporaryPassword="Passw0rd!x", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Passw0rd!xy", Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "carol", "PASSWORD": "Passw0rd!xy"}
    )["AuthenticationResult"]
    provider = settings.PUBLIC_URL.split("://", 1)[1] + "/" + pool
    iam.create_role(RoleName="notes-web", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
    }]}))
    iam.put_role_policy(RoleName="notes-web", PolicyName="own", PolicyDocument=doc(allow("myapp:ReadNote", "arn:aws:myapp:::note/${" + provider + ":sub}/*")))
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    anonymous = boto3.client("sts", endpoint_url=world["url"], region_name="us-east-1", config=Config(signature_version=UNSIGNED))
    out = anonymous.assume_role_with_web_identity(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/notes-web", RoleSessionName="carol", WebIdentityToken=tokens["IdToken"])
    sub, web = out["SubjectFromWebIdentityToken"], credentials(out["Credentials"])
    own = ask(world["url"], world["backend"], _question(sign(web, "GET", APP + "/n"), resource=f"arn:aws:myapp:::note/{sub}/1")).json()
    assert own["decision"] == "Allow" and own["principal"]["context"][f"{provider}:sub"] == sub
    assert ask(world["url"], world["backend"], _question(sign(web, "GET", APP + "/n"), resource="arn:aws:myapp:::note/someone/1")).json()["decision"] == "Deny"


def test_the_backend_must_sign_and_be_allowed_to_ask(world):
    request = sign(world["alice"], "GET", APP + "/notes/blue/1")
    unsigned = ask(world["url"], None, _question(request))
    assert unsigned.status_code == 401 and unsigned.json()["__type"] == "MissingAuthenticationTokenException"
    stranger = credentials(user_with_key(world["iam"], "stranger"))
    refused = ask(world["url"], stranger, _question(request))
    assert refused.status_code == 403 and refused.json() == {
        "__type": "AccessDeniedException",
        "message": f"User: arn:aws:iam::{ACCOUNT}:user/stranger is not authorized to perform: authorizer:IsAuthorized "
        "on resource: arn:aws:myapp:::note/blue/1 because no identity-based policy allows the authorizer:IsAuthorized action",
    }
    other_app = ask(world["url"], world["backend"], _question(request, resource="arn:aws:otherapp:::doc/1"))
    assert other_app.status_code == 403 and other_app.json()["__type"] == "AccessDeniedException"
    wrong = ask(world["url"], Credentials(world["backend"].access_key, "not-the-secret"), _question(request))
    assert wrong.status_code == 401 and wrong.json()["__type"] == "InvalidSignatureException"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda q: q.pop("action"), "'action'"),
        (lambda q: q.update(action="ReadNote"), "service-prefixed"),
        (lambda q: q.pop("request"), "'request'"),
        (lambda q: q["request"].update(path="notes"), "request.path"),
        (lambda q: q["request"].update(bodySha256="abc"), "bodySha256"),
        (lambda q: q["request"].update(body="x"), "at most one"),
        (lambda q: q["request"].update(headers=["Host"]), "request.headers"),
        (lambda q: q.update(context={"myapp:n": 1}), "context"),
    ],
)
def test_malformed_questions_are_validation_errors(world, change, message):
    question = _question(sign(world["alice"], "GET", APP + "/notes/blue/1"))
    change(question)
    reply = ask(world["url"], world["backend"], question)
    assert reply.status_code == 400 and reply.json()["__type"] == "ValidationException"
    assert message in reply.json()["message"]


def test_a_body_that_is_no_json_is_a_serialization_error(world):
    reply = ask(world["url"], world["backend"], "{not json")
    assert reply.status_code == 400 and reply.json()["__type"] == "SerializationException"


def test_a_stale_signature_is_denied_as_invalid(world, monkeypatch):
    """A captured request replayed after the 15 minutes a signature lives."""
    import datetime

    import botocore.auth

    signed_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    with monkeypatch.context() as patched:
        patched.setattr(botocore.auth, "get_current_datetime", lambda remove_tzinfo=True: signed_at)
        request = sign(world["alice"], "GET", APP + "/notes/blue/1")
    body = ask(world["url"], world["backend"], _question(request)).json()
    assert body["decision"] == "Deny" and body["errorCode"] == "InvalidSignatureException"
    assert body["reason"].startswith("InvalidSignatureException: Signature expired: ")
