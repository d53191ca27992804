"""identitypools.drf on a tiny notes API (tests/identitypools/drf_urls.py) through the live
server, with requests signed by botocore's SigV4 signer: role sessions, identity-pool-shaped
sessions and IAM user keys; allowed, refused (403 naming principal, action and resource),
tampered, expired and unsigned."""
from __future__ import annotations

import pytest

from tests.iam.support import ACCOUNT, allow, doc, user_with_key
from tests.identitypools.authz_support import credentials, expired_session, identity_session, send, sign, world

pytestmark = pytest.mark.urls("tests.identitypools.drf_urls")
SUB = "us-east-1:7d3c1a52-1e0b-4b7a-9c61-3f0e2d4a5b6c"


def _get(world, creds, path, method="GET"):
    return send(sign(creds, method, world["url"] + path))


def test_a_role_session_reads_its_teams_notes_and_nothing_else(world):
    reply = _get(world, world["alice"], "/notes/blue/1")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["owner"] == "blue" and body["principal"]["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/notes-reader/alice"
    assert body["statement"] == {"effect": "Allow", "policyType": "identity", "policy": "role/notes-reader/read", "statement": "ReadOwnTeam"}

    refused = _get(world, world["alice"], "/notes/red/1")
    assert refused.status_code == 403
    assert refused.json() == {
        "__type": "AccessDeniedException",
        "message": f"User: arn:aws:sts::{ACCOUNT}:assumed-role/notes-reader/alice is not authorized to perform: myapp:ReadNote "
        "on resource: arn:aws:myapp:::note/red/1 because no identity-based policy allows the myapp:ReadNote action",
    }
    secret = _get(world, world["alice"], "/notes/blue/secret")
    assert secret.status_code == 403 and secret.json()["message"].endswith("with an explicit deny in an identity-based policy")
    deleting = _get(world, world["alice"], "/notes/blue/1", method="DELETE")
    assert deleting.status_code == 403 and "myapp:DeleteNote" in deleting.json()["message"]


def test_an_identity_pool_session_reads_only_its_own_notes(world):
    identity = identity_session(world["iam"], SUB)
    own = _get(world, identity, f"/notes/{SUB}/1")  # the identity id's ':' is signed as botocore encodes it
    assert own.status_code == 200, own.text
    assert own.json()["principal"]["context"]["cognito-identity.amazonaws.com:sub"] == SUB
    other = _get(world, identity, "/notes/us-east-1:someone-else/1")
    assert other.status_code == 403 and other.json()["__type"] == "AccessDeniedException"


def test_an_iam_user_key_is_honoured(world):
    bob = credentials(user_with_key(world["iam"], "bob", doc(allow("myapp:*", "arn:aws:myapp:::note/${aws:username}/*"))))
    assert _get(world, bob, "/notes/bob/1").json()["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT}:user/bob"
    assert _get(world, bob, "/notes/bob/1", method="DELETE").status_code == 200
    assert _get(world, bob, "/notes/alice/1").status_code == 403


def test_the_resource_can_come_from_the_object_or_a_factory(world):
    assert _get(world, world["alice"], "/by-id/n1").status_code == 200  # owned by team blue
    refused = _get(world, world["alice"], "/by-id/n2")
    assert refused.status_code == 403 and "arn:aws:myapp:::note/red/n2" in refused.json()["message"]
    assert _get(world, world["alice"], "/shared/x").json()["note"] == "x"
    undeclared = _get(world, world["alice"], "/undeclared")
    assert undeclared.status_code == 403 and undeclared.json()["message"] == "No IAM resource is declared for this view."


def test_view_context_feeds_conditions_but_aws_keys_are_ignored(world):
    assert _get(world, world["alice"], "/list?scope=mine").status_code == 200
    assert _get(world, world["alice"], "/list?scope=all").status_code == 403
    assert _get(world, world["alice"], "/red/1").status_code == 403  # aws:PrincipalTag/team stays "blue"


def test_bad_expired_and_missing_signatures_are_refused(world):
    unsigned = _get(world, None, "/notes/blue/1")
    assert unsigned.status_code == 401 and unsigned.json()["__type"] == "MissingAuthenticationTokenException"
    request = sign(world["alice"], "GET", world["url"] + "/notes/blue/1")
    signature = request.headers["Authorization"]
    request.headers.replace_header("Authorization", signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    forged = send(request)
    assert forged.status_code == 401 and forged.json()["__type"] == "InvalidSignatureException"
    moved = sign(world["alice"], "GET", world["url"] + "/notes/blue/1")
    moved.url = world["url"] + "/notes/blue/2"
    assert send(moved).status_code == 401
    expired = _get(world, expired_session(), "/notes/blue/1")
    assert expired.json()["__type"] == "ExpiredTokenException" and expired.status_code in (400, 401)
