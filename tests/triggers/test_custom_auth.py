"""CUSTOM_AUTH end to end through boto3, driven by real Define/Create/Verify handlers (a maths
question per round, tests/triggers/plugins.py): the events they get, one and two rounds, a wrong
answer then a right one, failAuthentication, CUSTOM_AUTH with SRP_A (pycognito's AWSSRP maths),
unknown users, and the refusals (flow not enabled, no Define function, a raising handler), with
nothing written when the sign-in fails; and where each request's ClientMetadata goes."""
from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError
from django.test import override_settings
from pycognito.aws_srp import AWSSRP

from tests.conftest import error_code
from tests.triggers import plugins
from tests.triggers.support import PLUGINS, arn
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, make_client, make_user  # noqa: F401
from triggers.models import TriggerInvocation
from userpools.models import User

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOM_FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
MATHS = {"DefineAuthChallenge": arn("define_maths"), "CreateAuthChallenge": arn("create_maths"),
         "VerifyAuthChallengeResponse": arn("verify_maths")}


@pytest.fixture(autouse=True)
def registered_plugins():
    plugins.CHALLENGE_EVENTS.clear()
    plugins.SIGN_IN_EVENTS.clear()
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=3, TRIGGER_ATTEMPTS=1):
        yield


def error(excinfo) -> tuple[str, str]:
    return error_code(excinfo), excinfo.value.response["Error"]["Message"]


def custom_pool(idp, *, flows=CUSTOM_FLOWS, prevent_errors: bool = False, **lambda_config) -> tuple[str, str]:
    config = {**MATHS, **lambda_config}
    pool_id = idp.create_user_pool(PoolName="custom", LambdaConfig=config)["UserPool"]["Id"]
    extra = {"PreventUserExistenceErrors": "ENABLED"} if prevent_errors else {}
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=flows, **extra)["ClientId"]
    make_user(idp, pool_id, "alice", attributes={"email": "alice@example.com"})
    return pool_id, client_id


def start(unsigned_idp, client_id: str, username: str = "alice", **params) -> dict:
    return unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username, **params})


def solve(challenge: dict) -> str:
    left, right = challenge["ChallengeParameters"]["question"].split(" * ")
    return str(int(left) * int(right))


def answer(unsigned_idp, client_id: str, challenge: dict, value: str, username: str = "alice", **extra) -> dict:
    return unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": value}, **extra,
    )


def events_of(source: str) -> list[dict]:
    return [event for event in plugins.CHALLENGE_EVENTS if event["triggerSource"] == source]


def test_one_round_signs_in_with_cognitos_events(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp)
    challenge = start(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE" and challenge["Session"]
    assert challenge["ChallengeParameters"] == {"question": "2 * 3", "USERNAME": "alice"}

    result = answer(unsigned_idp, client_id, challenge, "6")["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice" and result["RefreshToken"]

    define_first, define_last = events_of("DefineAuthChallenge_Authentication")
    assert define_first["userPoolId"] == pool_id and define_first["userName"] == "alice"
    assert define_first["callerContext"]["clientId"] == client_id
    assert define_first["request"]["session"] == [] and define_first["request"]["userNotFound"] is False
    assert define_first["request"]["userAttributes"]["email"] == "alice@example.com"
    assert define_first["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert define_last["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "MATHS-2"}
    ]
    (create,) = events_of("CreateAuthChallenge_Authentication")
    assert create["request"]["challengeName"] == "CUSTOM_CHALLENGE" and create["request"]["session"] == []
    (verify,) = events_of("VerifyAuthChallengeResponse_Authentication")
    assert verify["request"]["privateChallengeParameters"] == {"answer": "6"}
    assert verify["request"]["challengeAnswer"] == "6"
    # The private answer never reaches the client.
    assert "answer" not in challenge["ChallengeParameters"]
    assert b"answer" not in base64.urlsafe_b64decode(challenge["Session"])


def test_two_rounds_then_tokens_on_the_admin_api(idp):
    pool_id, client_id = custom_pool(idp, DefineAuthChallenge=arn("define_maths_twice"))
    first = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "alice"})
    second = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=first["Session"],
        ChallengeResponses={"USERNAME": "alice", "ANSWER": solve(first)},
    )
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE" and second["ChallengeParameters"]["question"] == "3 * 4"
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=second["Session"],
        ChallengeResponses={"USERNAME": "alice", "ANSWER": solve(second)},
    )
    assert "AccessToken" in done["AuthenticationResult"]
    last_define = events_of("DefineAuthChallenge_Authentication")[-1]
    assert [entry["challengeMetadata"] for entry in last_define["request"]["session"]] == ["MATHS-2", "MATHS-3"]
    assert last_define["callerContext"]["clientId"] == client_id


def test_wrong_answer_then_right_one(idp, unsigned_idp):
    _, client_id = custom_pool(idp)
    first = start(unsigned_idp, client_id)
    retry = answer(unsigned_idp, client_id, first, "7")
    assert retry["ChallengeName"] == "CUSTOM_CHALLENGE" and "AuthenticationResult" not in retry
    assert retry["ChallengeParameters"]["question"] == "3 * 4"  # a new question, built with the history
    result = answer(unsigned_idp, client_id, retry, solve(retry))
    assert "AccessToken" in result["AuthenticationResult"]
    history = events_of("DefineAuthChallenge_Authentication")[-1]["request"]["session"]
    assert [entry["challengeResult"] for entry in history] == [False, True]


def test_a_session_answers_once(idp, unsigned_idp):
    _, client_id = custom_pool(idp)
    first = start(unsigned_idp, client_id)
    answer(unsigned_idp, client_id, first, "0")
    # Replaying the first Session would rewind the history and with it the count of wrong answers.
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, first, solve(first))
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")


def test_foreign_sessions_and_usernames_are_refused(idp, unsigned_idp):
    _, client_id = custom_pool(idp)
    first = start(unsigned_idp, client_id)
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, first, solve(first), username="mallory")
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session="forged" * 5,
                                               ChallengeResponses={"USERNAME": "alice", "ANSWER": "6"})
    assert error(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                                               ChallengeResponses={"USERNAME": "alice", "ANSWER": "6"})
    assert error(excinfo) == ("InvalidParameterException", "Missing required parameter Session")


def test_three_wrong_answers_fail_authentication(idp, unsigned_idp):
    _, client_id = custom_pool(idp)
    challenge = start(unsigned_idp, client_id)
    challenge = answer(unsigned_idp, client_id, challenge, "1")
    challenge = answer(unsigned_idp, client_id, challenge, "2")
    with pytest.raises(ClientError) as excinfo:
        answer(unsigned_idp, client_id, challenge, "3")
    assert error(excinfo) == INCORRECT


def test_fail_authentication_at_once(idp, unsigned_idp):
    _, client_id = custom_pool(idp, DefineAuthChallenge=arn("define_fail"))
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, client_id)
    assert error(excinfo) == INCORRECT
    assert len(events_of("DefineAuthChallenge_Authentication")) == 1


def test_unknown_user_goes_through_the_triggers_but_never_signs_in(idp, unsigned_idp):
    _, client_id = custom_pool(idp, prevent_errors=True)
    challenge = start(unsigned_idp, client_id, "nobody")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE" and challenge["ChallengeParameters"]["USERNAME"] == "nobody"
    define = events_of("DefineAuthChallenge_Authentication")[0]
    assert define["request"]["userNotFound"] is True and define["request"]["userAttributes"] == {}
    assert define["userName"] == "nobody"
    challenge = answer(unsigned_idp, client_id, challenge, solve(challenge), username="nobody")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"  # the handler never issues tokens to nobody
    assert events_of("VerifyAuthChallengeResponse_Authentication")[0]["request"]["userNotFound"] is True


def test_unknown_user_without_prevention_is_not_found(idp, unsigned_idp):
    _, client_id = custom_pool(idp)
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, client_id, "nobody")
    assert error(excinfo) == ("UserNotFoundException", "User does not exist.")
    assert plugins.CHALLENGE_EVENTS == []


def test_flow_not_enabled_for_the_client(idp, unsigned_idp):
    _, client_id = custom_pool(idp, flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, client_id)
    assert error(excinfo) == ("InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client")
    assert plugins.CHALLENGE_EVENTS == []


def test_no_define_function_configured(idp, unsigned_idp):
    pool_id = idp.create_user_pool(PoolName="plain")["UserPool"]["Id"]
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=CUSTOM_FLOWS)["ClientId"]
    make_user(idp, pool_id, "alice")
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, client_id)
    assert error(excinfo) == ("InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")


def test_raising_handler_is_a_validation_error_and_writes_nothing(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp, CreateAuthChallenge=arn("create_broken"))
    user = User.objects.get(pool_id=pool_id, username="alice")
    User.objects.filter(pk=user.pk).update(failed_sign_ins=2)  # a finished sign-in would reset it
    before = User.objects.values().get(pk=user.pk)
    with pytest.raises(ClientError) as excinfo:
        start(unsigned_idp, client_id)
    assert error(excinfo) == ("UserLambdaValidationException", "CreateAuthChallenge failed with error The question bank is closed.")
    assert User.objects.values().get(pk=user.pk) == before
    # The failure's record is written before the answer leaves, not after (a write racing the client).
    outcomes = TriggerInvocation.objects.filter(trigger_source="CreateAuthChallenge_Authentication").values_list("outcome", flat=True)
    assert list(outcomes) == ["HANDLER_ERROR"]


def test_failed_sign_in_leaves_the_user_untouched(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp)
    before = User.objects.values().get(pool_id=pool_id, username="alice")
    challenge = start(unsigned_idp, client_id)
    for wrong in ("1", "2"):
        challenge = answer(unsigned_idp, client_id, challenge, wrong)
    with pytest.raises(ClientError):
        answer(unsigned_idp, client_id, challenge, "3")
    assert User.objects.values().get(pool_id=pool_id, username="alice") == before


# --- ClientMetadata ------------------------------------------------------------------------------

RECORDED = {"PreAuthentication": arn("record_sign_in"), "PostAuthentication": arn("record_sign_in"),
            "PreTokenGeneration": arn("record_sign_in")}


def client_metadata(source: str) -> list[dict]:
    return [event["request"]["clientMetadata"] for event in plugins.CHALLENGE_EVENTS + plugins.SIGN_IN_EVENTS
            if event["triggerSource"] == source]


def test_client_metadata_reaches_the_triggers_of_the_answer_that_carries_it(idp, unsigned_idp):
    _, client_id = custom_pool(idp, **RECORDED)
    # InitiateAuth's ClientMetadata is PreAuthentication's validationData, and reaches no other trigger.
    first = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "alice"},
                                       ClientMetadata={"step": "initiate"})
    (pre,) = plugins.SIGN_IN_EVENTS
    assert pre["triggerSource"] == "PreAuthentication_Authentication" and pre["request"]["validationData"] == {"step": "initiate"}
    retry = answer(unsigned_idp, client_id, first, "0", ClientMetadata={"step": "wrong"})
    answer(unsigned_idp, client_id, retry, solve(retry), ClientMetadata={"step": "right"})
    assert client_metadata("DefineAuthChallenge_Authentication") == [{}, {"step": "wrong"}, {"step": "right"}]
    assert client_metadata("CreateAuthChallenge_Authentication") == [{}, {"step": "wrong"}]
    assert client_metadata("VerifyAuthChallengeResponse_Authentication") == [{"step": "wrong"}, {"step": "right"}]
    assert client_metadata("PostAuthentication_Authentication") == [{"step": "right"}]
    assert client_metadata("TokenGeneration_Authentication") == [{"step": "right"}]


# --- CUSTOM_AUTH with SRP_A ---------------------------------------------------------------------

def srp_client(idp, pool_id: str, client_id: str, password: str = PASSWORD) -> AWSSRP:
    return AWSSRP(username="alice", password=password, pool_id=pool_id, client_id=client_id, client=idp)


def srp_start(unsigned_idp, srp: AWSSRP, client_id: str) -> tuple[dict, dict]:
    params = {**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    return unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params), params


def test_custom_auth_with_srp_then_a_custom_challenge(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp)
    srp = srp_client(idp, pool_id, client_id)
    verifier, params = srp_start(unsigned_idp, srp, client_id)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER" and verifier["Session"]
    assert set(verifier["ChallengeParameters"]) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert events_of("DefineAuthChallenge_Authentication")[0]["request"]["session"] == [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
    ]
    responses = srp.process_challenge(verifier["ChallengeParameters"], params)
    custom = unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                                    Session=verifier["Session"], ChallengeResponses=responses)
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    history = events_of("DefineAuthChallenge_Authentication")[-1]["request"]["session"]
    assert [(entry["challengeName"], entry["challengeResult"]) for entry in history] == [("SRP_A", True), ("PASSWORD_VERIFIER", True)]
    result = answer(unsigned_idp, client_id, custom, solve(custom))
    assert claims(result["AuthenticationResult"]["AccessToken"])["username"] == "alice"


def test_custom_auth_with_srp_and_a_wrong_password(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp)
    srp = srp_client(idp, pool_id, client_id, password="Wrong#Pass1")
    verifier, params = srp_start(unsigned_idp, srp, client_id)
    responses = srp.process_challenge(verifier["ChallengeParameters"], params)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                               Session=verifier["Session"], ChallengeResponses=responses)
    assert error(excinfo) == INCORRECT
    assert events_of("CreateAuthChallenge_Authentication") == []


def test_srp_answer_without_its_session_cannot_skip_the_custom_challenge(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp)  # the client allows CUSTOM_AUTH, not USER_SRP_AUTH
    srp = srp_client(idp, pool_id, client_id)
    verifier, params = srp_start(unsigned_idp, srp, client_id)
    responses = srp.process_challenge(verifier["ChallengeParameters"], params)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    assert error(excinfo) == INCORRECT


def test_custom_auth_with_srp_passes_the_verifier_answers_metadata_and_pre_authenticates_once(idp, unsigned_idp):
    pool_id, client_id = custom_pool(idp, **RECORDED)
    srp = srp_client(idp, pool_id, client_id)
    params = {**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    verifier = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params,
                                          ClientMetadata={"step": "initiate"})
    assert [event["triggerSource"] for event in plugins.SIGN_IN_EVENTS] == ["PreAuthentication_Authentication"]
    unsigned_idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", Session=verifier["Session"],
                                           ChallengeResponses=srp.process_challenge(verifier["ChallengeParameters"], params),
                                           ClientMetadata={"step": "password"})
    assert client_metadata("DefineAuthChallenge_Authentication") == [{}, {"step": "password"}]
    assert client_metadata("CreateAuthChallenge_Authentication") == [{"step": "password"}]
