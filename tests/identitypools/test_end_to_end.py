"""The done-when end to end: a user signs in to a user pool, trades the ID token for identity-pool
credentials, and an app backend's authorizer allows exactly its own notes; a guest is scoped down."""
from __future__ import annotations

from botocore.credentials import Credentials

from tests.iam.support import allow, doc
from tests.identitypools.authz_support import APP, ask, received, sign, world  # noqa: F401 - world is a fixture
from tests.identitypools.support import COGNITO, provider_name, role, root_clients, sign_in, unsigned, user_pool


def _ask(world, creds: Credentials, resource: str) -> dict:
    request = sign(creds, "GET", APP + "/notes/1")
    return ask(world["url"], world["backend"], {"request": received(request), "action": "myapp:ReadNote", "resource": resource}).json()


def test_identity_pool_credentials_through_the_authorizer(world):
    c = root_clients(world["url"])
    pool, client = user_pool(c["cognito-idp"], "notes-users")
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="notes", AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": provider_name(pool), "ClientId": client}],
    )["IdentityPoolId"]
    own_notes = doc(allow("myapp:ReadNote", f"arn:aws:myapp:::note/${{{COGNITO}:sub}}/*"))
    auth = role(c["iam"], "notes-auth", ipool, own_notes)
    guest = role(c["iam"], "notes-guest", ipool, own_notes, amr="unauthenticated")
    c["cognito-identity"].set_identity_pool_roles(IdentityPoolId=ipool, Roles={"authenticated": auth, "unauthenticated": guest})
    anon = unsigned(world["url"])
    logins = {provider_name(pool): sign_in(c["cognito-idp"], pool, client, "noter")["IdToken"]}
    identity = anon.get_id(IdentityPoolId=ipool, Logins=logins)["IdentityId"]
    issued = anon.get_credentials_for_identity(IdentityId=identity, Logins=logins)["Credentials"]
    creds = Credentials(issued["AccessKeyId"], issued["SecretKey"], issued["SessionToken"])
    mine = _ask(world, creds, f"arn:aws:myapp:::note/{identity}/1")
    assert mine["decision"] == "Allow", mine
    assert mine["principal"]["arn"].endswith(":assumed-role/notes-auth/CognitoIdentityCredentials")
    assert _ask(world, creds, "arn:aws:myapp:::note/us-east-1:someone-else/1")["decision"] == "Deny"
    # A guest's role allows the same, but AWS's guest scope-down does not include myapp.
    guest_id = anon.get_id(IdentityPoolId=ipool)["IdentityId"]
    issued = anon.get_credentials_for_identity(IdentityId=guest_id)["Credentials"]
    guest_creds = Credentials(issued["AccessKeyId"], issued["SecretKey"], issued["SessionToken"])
    refused = _ask(world, guest_creds, f"arn:aws:myapp:::note/{guest_id}/1")
    assert refused["decision"] == "Deny" and "session policy" in refused["reason"]
