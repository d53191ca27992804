"""Sign-in triggers end to end through boto3: where each request's ClientMetadata goes, and the
pre token generation source of each way tokens are issued.

Cognito's API reference: InitiateAuth/AdminInitiateAuth pass ClientMetadata to Pre authentication
and User migration only, as `validationData` (Post authentication and Pre token generation run
without it); RespondToAuthChallenge/AdminRespondToAuthChallenge pass theirs as `clientMetadata` to
the triggers the answer runs. (CUSTOM_AUTH's challenge triggers: test_custom_auth.py.)
"""
from __future__ import annotations

import pytest
from django.test import override_settings
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

from tests.triggers import lifecycle_plugins, plugins
from tests.triggers.support import PLUGINS, arn
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, make_client, make_user  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
RECORDED = {"PreAuthentication": arn("record_sign_in"), "PostAuthentication": arn("record_sign_in"),
            "PreTokenGeneration": arn("record_sign_in")}
AT_START = {"channel": "web", "step": "initiate"}
AT_ANSWER = {"channel": "web", "step": "respond"}


@pytest.fixture(autouse=True)
def registered_plugins():
    plugins.SIGN_IN_EVENTS.clear()
    lifecycle_plugins.SEEN.clear()
    with override_settings(TRIGGER_PLUGINS=f"{PLUGINS},{lifecycle_plugins.PLUGINS}", TRIGGER_TIMEOUT_SECONDS=3, TRIGGER_ATTEMPTS=1):
        yield


def recorded_pool(idp, **lambda_config) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="sign-in", LambdaConfig={**RECORDED, **lambda_config})["UserPool"]["Id"]
    return pool_id, make_client(idp, pool_id, ExplicitAuthFlows=FLOWS)["ClientId"]


def seen() -> dict[str, dict]:
    """The request of each trigger source received, by source (the latest of each)."""
    return {event["triggerSource"]: event["request"] for event in plugins.SIGN_IN_EVENTS}


def sources() -> list[str]:
    return [event["triggerSource"] for event in plugins.SIGN_IN_EVENTS]


@pytest.mark.parametrize("admin", [False, True], ids=["public", "admin"])
def test_initiate_auth_metadata_is_validation_data_only(idp, unsigned_idp, admin):
    pool_id, client_id = recorded_pool(idp)
    make_user(idp, pool_id, attributes={"email": "alice@example.com"})
    credentials = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    if admin:
        result = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters=credentials, ClientMetadata=AT_START)
    else:
        result = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                            AuthParameters=credentials, ClientMetadata=AT_START)
    assert sources() == ["PreAuthentication_Authentication", "PostAuthentication_Authentication", "TokenGeneration_Authentication"]
    requests = seen()
    pre = requests["PreAuthentication_Authentication"]
    assert set(pre) == {"userAttributes", "validationData"}  # Cognito's event: no clientMetadata here
    assert pre["validationData"] == AT_START and pre["userAttributes"]["email"] == "alice@example.com"
    assert requests["PostAuthentication_Authentication"]["clientMetadata"] == {}
    assert requests["TokenGeneration_Authentication"]["clientMetadata"] == {}

    unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", ClientMetadata=AT_START,
                               AuthParameters={"REFRESH_TOKEN": result["AuthenticationResult"]["RefreshToken"]})
    assert sources()[-1] == "TokenGeneration_RefreshTokens"  # a refresh is no sign-in: no Pre/PostAuthentication
    assert seen()["TokenGeneration_RefreshTokens"]["clientMetadata"] == {}


def test_user_migration_gets_initiate_auth_metadata_as_validation_data(idp, unsigned_idp):
    _, client_id = recorded_pool(idp, UserMigration=arn("migrate"))
    unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata=AT_START,
                               AuthParameters={"USERNAME": "legacy-lee", "PASSWORD": "Legacy#Pass1"})
    (migration,) = lifecycle_plugins.SEEN
    assert migration["triggerSource"] == "UserMigration_Authentication"
    assert migration["request"] == {"validationData": AT_START, "clientMetadata": {}, "password": "Legacy#Pass1"}
    assert seen()["PreAuthentication_Authentication"]["validationData"] == AT_START


@pytest.mark.parametrize("admin", [False, True], ids=["public", "admin"])
def test_new_password_answer_metadata_and_source(idp, unsigned_idp, admin):
    pool_id, client_id = recorded_pool(idp)
    make_user(idp, pool_id, password=None)  # FORCE_CHANGE_PASSWORD, temporary password Temp#Pass1
    credentials = {"USERNAME": "alice", "PASSWORD": "Temp#Pass1"}
    answer = {"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientMetadata": AT_ANSWER,
              "ChallengeResponses": {"USERNAME": "alice", "NEW_PASSWORD": PASSWORD}}
    if admin:
        challenge = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters=credentials, ClientMetadata=AT_START)
        result = idp.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=client_id, Session=challenge["Session"], **answer)
    else:
        challenge = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                               AuthParameters=credentials, ClientMetadata=AT_START)
        result = unsigned_idp.respond_to_auth_challenge(ClientId=client_id, Session=challenge["Session"], **answer)
    assert "AccessToken" in result["AuthenticationResult"]
    assert sources() == ["PreAuthentication_Authentication", "PostAuthentication_Authentication", "TokenGeneration_NewPasswordChallenge"]
    requests = seen()
    assert requests["PreAuthentication_Authentication"]["validationData"] == AT_START
    assert requests["PostAuthentication_Authentication"]["clientMetadata"] == AT_ANSWER
    assert requests["TokenGeneration_NewPasswordChallenge"]["clientMetadata"] == AT_ANSWER
    assert requests["TokenGeneration_NewPasswordChallenge"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"

    plugins.SIGN_IN_EVENTS.clear()  # the next sign-in is an ordinary one
    unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=credentials | {"PASSWORD": PASSWORD})
    assert sources()[-1] == "TokenGeneration_Authentication"


def test_srp_answer_metadata(idp, unsigned_idp):
    pool_id, client_id = recorded_pool(idp)
    make_user(idp, pool_id)
    srp = AWSSRP("alice", PASSWORD, pool_id, client_id, client=unsigned_idp)
    params = srp.get_auth_params()
    challenge = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params, ClientMetadata=AT_START)
    assert sources() == ["PreAuthentication_Authentication"]
    unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ClientMetadata=AT_ANSWER,
                                           ChallengeResponses=srp.process_challenge(challenge["ChallengeParameters"], params))
    requests = seen()
    assert requests["PreAuthentication_Authentication"]["validationData"] == AT_START
    assert requests["PostAuthentication_Authentication"]["clientMetadata"] == AT_ANSWER
    assert requests["TokenGeneration_Authentication"]["clientMetadata"] == AT_ANSWER


def test_device_answer_metadata_and_source(idp, unsigned_idp):
    pool_id, client_id = recorded_pool(idp)
    idp.update_user_pool(UserPoolId=pool_id, LambdaConfig=RECORDED,
                         DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False})
    make_user(idp, pool_id)
    credentials = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    first = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters=credentials)["AuthenticationResult"]
    device = first["NewDeviceMetadata"]
    assert seen()["PostAuthentication_Authentication"]["newDeviceUsed"] is True
    device_password, verifier = generate_hash_device(device["DeviceGroupKey"], device["DeviceKey"])
    unsigned_idp.confirm_device(AccessToken=first["AccessToken"], DeviceKey=device["DeviceKey"], DeviceSecretVerifierConfig=verifier)

    plugins.SIGN_IN_EVENTS.clear()
    srp = AWSSRP("alice", PASSWORD, pool_id, client_id, client=unsigned_idp, device_key=device["DeviceKey"],
                 device_group_key=device["DeviceGroupKey"], device_password=device_password)
    started = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={**credentials, "DEVICE_KEY": device["DeviceKey"]})
    assert started["ChallengeName"] == "DEVICE_SRP_AUTH"
    verifier_challenge = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=started["Session"],
        ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": device["DeviceKey"], "SRP_A": long_to_hex(srp.large_a_value)},
    )
    result = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=verifier_challenge["Session"], ClientMetadata=AT_ANSWER,
        ChallengeResponses=srp.process_device_challenge(verifier_challenge["ChallengeParameters"]),
    )
    assert "AccessToken" in result["AuthenticationResult"]
    assert sources() == ["PreAuthentication_Authentication", "PostAuthentication_Authentication", "TokenGeneration_AuthenticateDevice"]
    assert seen()["TokenGeneration_AuthenticateDevice"]["clientMetadata"] == AT_ANSWER
    assert seen()["PostAuthentication_Authentication"]["clientMetadata"] == AT_ANSWER
    assert seen()["PostAuthentication_Authentication"]["newDeviceUsed"] is False  # a remembered device


@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
def test_pre_authentication_hears_of_unknown_users_only_where_existence_is_hidden(idp, unsigned_idp, flow):
    pool_id = idp.create_user_pool(PoolName="sign-in", LambdaConfig=RECORDED)["UserPool"]["Id"]
    hiding = make_client(idp, pool_id, ExplicitAuthFlows=FLOWS, PreventUserExistenceErrors="ENABLED")["ClientId"]
    telling = make_client(idp, pool_id, ExplicitAuthFlows=FLOWS, PreventUserExistenceErrors="LEGACY")["ClientId"]
    make_user(idp, pool_id)
    parameters = (
        {"USERNAME": "nobody", "PASSWORD": "Wrong#Pass1"}
        if flow == "USER_PASSWORD_AUTH"
        else {
            "USERNAME": "nobody",
            "SRP_A": AWSSRP(username="nobody", password="x", pool_id=pool_id, client_id=hiding, client=unsigned_idp).get_auth_params()["SRP_A"],
        }
    )

    if flow == "USER_PASSWORD_AUTH":  # refused at once, as a wrong password is
        with pytest.raises(unsigned_idp.exceptions.NotAuthorizedException) as refused:
            unsigned_idp.initiate_auth(ClientId=hiding, AuthFlow=flow, AuthParameters=parameters)
        assert refused.value.response["Error"]["Message"] == "Incorrect username or password."
    else:  # SRP answers with a decoy challenge, as for a real user
        decoy = unsigned_idp.initiate_auth(ClientId=hiding, AuthFlow=flow, AuthParameters=parameters)
        assert decoy["ChallengeName"] == "PASSWORD_VERIFIER"
        assert {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME"} <= set(decoy["ChallengeParameters"])
    (event,) = plugins.SIGN_IN_EVENTS
    assert event["userName"] == "nobody" and event["request"]["userNotFound"] is True and event["request"]["userAttributes"] == {}

    plugins.SIGN_IN_EVENTS.clear()
    with pytest.raises(unsigned_idp.exceptions.UserNotFoundException):
        unsigned_idp.initiate_auth(ClientId=telling, AuthFlow=flow, AuthParameters={**parameters})
    assert plugins.SIGN_IN_EVENTS == []

    unsigned_idp.initiate_auth(ClientId=hiding, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert plugins.SIGN_IN_EVENTS[0]["request"]["userNotFound"] is False
    plugins.SIGN_IN_EVENTS.clear()
    unsigned_idp.initiate_auth(ClientId=telling, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert "userNotFound" not in plugins.SIGN_IN_EVENTS[0]["request"]
