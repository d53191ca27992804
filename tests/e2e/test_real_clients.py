"""Real Cognito clients, unchanged but for the endpoint, sign users in against the live server:
amazon-cognito-identity-js (Node; SRP is its default) and pycognito's AWSSRP on a boto3 client;
aws-jwt-verify (Node) verifies the tokens they get.

Node and the npm package are needed for the JS half: `npm ci` runs in tests/e2e/js when its
node_modules is missing. Without `node` those tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from pycognito.aws_srp import AWSSRP

from tests.conftest import error_code
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, make_client, make_user  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

JS_DIR = Path(__file__).parent / "js"
SRP_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with the JS client's packages installed."""
    binary = shutil.which("node")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI for the amazon-cognito-identity-js tests")
        pytest.skip("node is not installed")
    if not all((JS_DIR / "node_modules" / package).is_dir() for package in ("amazon-cognito-identity-js", "aws-jwt-verify")):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install tests/e2e/js")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, capture_output=True, timeout=300)
    return binary


def js_sign_in(node: str, endpoint: str, pool_id: str, client_id: str, username: str, password: str, **extra) -> dict:
    request = {"endpoint": endpoint, "userPoolId": pool_id, "clientId": client_id, "username": username, "password": password, **extra}
    finished = subprocess.run([node, "sign_in.js", json.dumps(request)], cwd=JS_DIR, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


@pytest.fixture
def srp_client_id(idp, pool_id):
    return make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS)["ClientId"]


# --- amazon-cognito-identity-js ----------------------------------------------------------------

def test_js_sdk_signs_in_with_the_right_password(node, live_server, idp, pool_id, srp_client_id):
    make_user(idp, pool_id)
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD)
    assert result == {"ok": True, "username": "alice", "idTokenUsername": "alice", "accessTokenClientId": srp_client_id}


def test_js_sdk_is_refused_with_a_wrong_password(node, live_server, idp, pool_id, srp_client_id):
    make_user(idp, pool_id)
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", "Wrong#Horse1")
    assert result == {"ok": False, "code": "NotAuthorizedException", "message": "Incorrect username or password."}


def test_js_sdk_completes_new_password_required(node, live_server, idp, pool_id, srp_client_id):
    make_user(idp, pool_id, password=None)  # temporary password Temp#Pass1
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", "Temp#Pass1", newPassword="Brand#New1")
    assert result["ok"] is True and result["idTokenUsername"] == "alice"
    assert js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", "Brand#New1")["ok"] is True


def test_js_sdk_signs_in_by_email_in_an_email_username_pool(node, live_server, idp):
    pool_id = idp.create_user_pool(PoolName="by-email", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS)["ClientId"]
    make_user(idp, pool_id, "ann@example.com")
    result = js_sign_in(node, live_server.url, pool_id, client_id, "ann@example.com", PASSWORD)
    assert result["ok"] is True and result["idTokenUsername"] == result["username"] != "ann@example.com"


# --- pycognito ---------------------------------------------------------------------------------

def test_pycognito_signs_in_with_the_right_password(unsigned_idp, idp, pool_id, srp_client_id):
    make_user(idp, pool_id)
    tokens = AWSSRP("alice", PASSWORD, pool_id, srp_client_id, client=unsigned_idp).authenticate_user()
    assert claims(tokens["AuthenticationResult"]["AccessToken"])["username"] == "alice"


def test_pycognito_is_refused_with_a_wrong_password(unsigned_idp, idp, pool_id, srp_client_id):
    make_user(idp, pool_id)
    with pytest.raises(ClientError) as excinfo:
        AWSSRP("alice", "Wrong#Horse1", pool_id, srp_client_id, client=unsigned_idp).authenticate_user()
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "Incorrect username or password."


def test_pycognito_with_a_client_secret(unsigned_idp, idp, pool_id):
    created = make_client(idp, pool_id, ExplicitAuthFlows=SRP_FLOWS, GenerateSecret=True)
    make_user(idp, pool_id)
    srp_client = AWSSRP("alice", PASSWORD, pool_id, created["ClientId"], client=unsigned_idp, client_secret=created["ClientSecret"])
    assert "AccessToken" in srp_client.authenticate_user()["AuthenticationResult"]


def test_js_sdk_answers_the_totp_challenge(node, live_server, idp, pool_id, srp_client_id):
    import time

    from tests.userpools.mfa_support import configure_mfa, rfc6238
    from userpools.models import User, UserPoolClient
    from userpools.services import tokens

    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    make_user(idp, pool_id)
    user = User.objects.get(pool_id=pool_id, username="alice")
    access_token = tokens.issue_tokens(user, UserPoolClient.objects.get(pk=srp_client_id))["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    idp.verify_software_token(AccessToken=access_token, UserCode=rfc6238(secret, time.time()))
    idp.set_user_mfa_preference(AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    asked = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD)
    assert asked == {"ok": False, "code": "SOFTWARE_TOKEN_MFA", "message": "no totpCode given"}
    # The next time step's code (one step of drift is allowed) cannot collide with enrolment's.
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD, totpCode=rfc6238(secret, time.time() + 30))
    assert result["ok"] is True and result["idTokenUsername"] == "alice"
    wrong = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD, totpCode="000000")
    assert wrong["ok"] is False and wrong["code"] == "CodeMismatchException"


def test_js_sdk_answers_the_sms_challenge_from_the_text_it_received(node, live_server, idp, pool_id, srp_client_id, mailbox):
    from tests.userpools.mfa_support import configure_mfa

    phone = "+15555550199"
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    make_user(idp, pool_id, attributes={"phone_number": phone, "phone_number_verified": "true"})
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD, smsFile=str(mailbox.sms_file), phone=phone)
    assert result["ok"] is True and result["idTokenUsername"] == "alice"
    assert mailbox.texts(phone)[-1]["message"].startswith("Your sign-in code is ")


def test_js_sdk_remembers_its_device_and_skips_mfa_the_second_time(node, live_server, idp, pool_id, srp_client_id, mailbox):
    from tests.userpools.mfa_support import configure_mfa
    from userpools.models import Device

    phone = "+15555550198"
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                         DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False})
    make_user(idp, pool_id, attributes={"phone_number": phone, "phone_number_verified": "true"})
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    request = {"endpoint": live_server.url, "userPoolId": pool_id, "clientId": srp_client_id, "username": "alice",
               "password": PASSWORD, "smsFile": str(mailbox.sms_file), "phone": phone}
    finished = subprocess.run([node, "remembered_device.js", json.dumps(request)], cwd=JS_DIR, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert result["first"]["ok"] is True and result["first"]["challenges"] == ["SMS_MFA"]
    assert result["second"]["ok"] is True and result["second"]["challenges"] == [], result
    device = Device.objects.get(user__username="alice")
    assert device.srp_verifier and device.last_authenticated is not None  # confirmed by the SDK, then used


def test_js_sdk_chooses_a_factor_when_asked_to_select(node, live_server, idp, pool_id, srp_client_id, mailbox):
    from tests.userpools.mfa_support import configure_mfa

    phone = "+15555550197"
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True, email=True)
    make_user(idp, pool_id, attributes={"phone_number": phone, "phone_number_verified": "true",
                                        "email": "alice@example.com", "email_verified": "true"})
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice",
                                      SMSMfaSettings={"Enabled": True}, EmailMfaSettings={"Enabled": True})
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD, selectMfa="SMS_MFA",
                        smsFile=str(mailbox.sms_file), phone=phone)
    assert result["ok"] is True and result["idTokenUsername"] == "alice"


def test_js_sdk_sets_up_totp_when_mfa_is_required(node, live_server, idp, pool_id, srp_client_id):
    from tests.userpools.mfa_support import configure_mfa

    configure_mfa(idp, pool_id, "ON", totp=True)
    make_user(idp, pool_id)  # no phone, no authenticator: MFA_SETUP
    asked = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD)
    assert asked == {"ok": False, "code": "MFA_SETUP", "message": "no setupTotp given"}
    result = js_sign_in(node, live_server.url, pool_id, srp_client_id, "alice", PASSWORD, setupTotp=True)
    assert result["ok"] is True and result["idTokenUsername"] == "alice"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_aws_jwt_verify_accepts_our_tokens_and_refuses_forgeries(node, live_server, idp, pool_id, srp_client_id):
    password_client = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id)
    tokens = idp.initiate_auth(ClientId=password_client, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    header, payload, signature = tokens["IdToken"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["cognito:username"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    # The issuer is PUBLIC_URL's; the test server answers on another port, so the keys come from there.
    request = {"issuer": f"{settings.PUBLIC_URL}/{pool_id}", "jwksUri": f"{live_server.url}/{pool_id}/.well-known/jwks.json",
               "clientId": password_client, "idToken": tokens["IdToken"],
               "accessToken": tokens["AccessToken"], "tampered": f"{header}.{forged_payload}.{signature}"}
    finished = subprocess.run([node, "verify_tokens.js", json.dumps(request)], cwd=JS_DIR, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert result["id"] == "ok" and result["access"] == "ok", result
    assert result["tampered"] == "JwtInvalidSignatureError" and result["wrongClient"] == "JwtInvalidAudienceError", result


def test_pycognito_cognito_class_signs_in_verifies_tokens_and_manages_the_account(live_server, settings, idp, pool_id, srp_client_id):
    """pycognito's high-level Cognito class: with endpoint_url it expects the issuer
    `<endpoint>/<poolId>` and fetches the JWKS there, which is our contract when PUBLIC_URL is the
    endpoint it talks to."""
    from botocore import UNSIGNED
    from botocore.config import Config
    from pycognito import Cognito
    from pycognito.exceptions import TokenVerificationException

    settings.PUBLIC_URL = live_server.url
    make_user(idp, pool_id, attributes={"email": "alice@example.com", "email_verified": "true"})
    kwargs = {"endpoint_url": live_server.url}
    user = Cognito(pool_id, srp_client_id, username="alice", botocore_config=Config(signature_version=UNSIGNED), boto3_client_kwargs=kwargs)
    user.authenticate(password=PASSWORD)  # SRP, then verify_tokens against our JWKS and issuer
    assert user.id_claims["cognito:username"] == "alice" and user.access_claims["client_id"] == srp_client_id
    assert user.get_user().email == "alice@example.com"

    user.change_password(PASSWORD, "Newer#Horse2")
    again = Cognito(pool_id, srp_client_id, username="alice", botocore_config=Config(signature_version=UNSIGNED), boto3_client_kwargs=kwargs)
    again.authenticate(password="Newer#Horse2")
    assert again.check_token(renew=False) is False  # fresh tokens need no renewal
    first_access = again.access_token
    again.renew_access_token()  # REFRESH_TOKEN_AUTH, and the new tokens verified again
    assert again.access_token != first_access
    other_client = Cognito(pool_id, "another-client", botocore_config=Config(signature_version=UNSIGNED), boto3_client_kwargs=kwargs,
                     id_token=again.id_token, access_token=again.access_token)
    with pytest.raises(TokenVerificationException):
        other_client.verify_tokens()  # an ID token for another client's audience
    again.logout()  # GlobalSignOut: the access token is revoked
    with pytest.raises(ClientError) as excinfo:
        idp.get_user(AccessToken=first_access)
    assert error_code(excinfo) == "NotAuthorizedException"
