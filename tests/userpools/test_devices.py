"""Remembered devices: NewDeviceMetadata, ConfirmDevice, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER
(client side from pycognito, as real apps compute it), skipping MFA, and the device operations
with their admin variants."""
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

from tests.conftest import error_code
from tests.userpools.mailbox import mailbox  # noqa: F401  (fixture)
from tests.userpools.mfa_support import configure_mfa
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, claims, fake_clock, make_client, make_user, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+15555550123"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def track_devices(idp, pool_id, *, skip_mfa: bool = True, on_prompt: bool = False) -> None:
    idp.update_user_pool(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": skip_mfa, "DeviceOnlyRememberedOnUserPrompt": on_prompt},
    )


@pytest.fixture
def client_id(idp, pool_id):
    return make_client(idp, pool_id, ExplicitAuthFlows=FLOWS)["ClientId"]


@pytest.fixture
def alice(idp, pool_id):
    make_user(idp, pool_id, attributes={"phone_number": PHONE})


def confirm(unsigned_idp, result: dict, name: str = "laptop") -> tuple[dict, str, bool]:
    metadata = result["NewDeviceMetadata"]
    password, verifier_config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    answer = unsigned_idp.confirm_device(
        AccessToken=result["AccessToken"], DeviceKey=metadata["DeviceKey"], DeviceSecretVerifierConfig=verifier_config, DeviceName=name
    )
    return metadata, password, answer["UserConfirmationNecessary"]


def device_sign_in(unsigned_idp, pool_id, client_id, metadata, device_password, *, tamper: bool = False) -> dict:
    """Password first factor naming the device, then the device SRP challenges, as pycognito does."""
    srp_client = AWSSRP("alice", PASSWORD, pool_id, client_id, client=unsigned_idp,
                        device_key=metadata["DeviceKey"], device_group_key=metadata["DeviceGroupKey"], device_password=device_password)
    first = sign_in(unsigned_idp, client_id, DEVICE_KEY=metadata["DeviceKey"])
    assert first["ChallengeName"] == "DEVICE_SRP_AUTH"
    second = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=first["Session"],
        ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": metadata["DeviceKey"], "SRP_A": long_to_hex(srp_client.large_a_value)},
    )
    assert second["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    assert set(second["ChallengeParameters"]) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "DEVICE_KEY"}
    responses = srp_client.process_device_challenge(second["ChallengeParameters"])
    if tamper:
        responses["PASSWORD_CLAIM_SIGNATURE"] = responses["PASSWORD_CLAIM_SIGNATURE"][::-1]
    return unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=second["Session"], ChallengeResponses=responses
    )


def test_no_device_metadata_without_device_tracking(idp, unsigned_idp, pool_id, client_id, alice):
    assert "NewDeviceMetadata" not in sign_in(unsigned_idp, client_id)["AuthenticationResult"]


def test_remembered_device_signs_in_without_mfa(idp, unsigned_idp, pool_id, client_id, alice, mailbox):
    track_devices(idp, pool_id)
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True)
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True})
    challenge = sign_in(unsigned_idp, client_id)
    assert challenge["ChallengeName"] == "SMS_MFA"
    result = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": mailbox.last_code(PHONE)},
    )["AuthenticationResult"]
    metadata, device_password, necessary = confirm(unsigned_idp, result)
    assert metadata["DeviceKey"].startswith("us-east-1_") and metadata["DeviceGroupKey"]
    assert necessary is False
    texts_before = len(mailbox.texts(PHONE))
    tokens = device_sign_in(unsigned_idp, pool_id, client_id, metadata, device_password)["AuthenticationResult"]
    assert claims(tokens["AccessToken"])["username"] == "alice"
    assert "NewDeviceMetadata" not in tokens
    assert len(mailbox.texts(PHONE)) == texts_before  # no MFA code was sent
    device = unsigned_idp.get_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"])["Device"]
    attributes = {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
    assert attributes["device_name"] == "laptop" and attributes["dev:device_remembered_status"] == "remembered"
    assert "DeviceLastAuthenticatedDate" in device


def test_pycognito_srp_sign_in_with_a_remembered_device(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    metadata, device_password, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    srp_client = AWSSRP("alice", PASSWORD, pool_id, client_id, client=unsigned_idp,
                        device_key=metadata["DeviceKey"], device_group_key=metadata["DeviceGroupKey"], device_password=device_password)
    tokens = srp_client.authenticate_user()["AuthenticationResult"]
    assert claims(tokens["IdToken"])["cognito:username"] == "alice"


def test_wrong_device_proof_is_refused(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    metadata, _, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    with pytest.raises(ClientError) as excinfo:
        device_sign_in(unsigned_idp, pool_id, client_id, metadata, "not-the-device-password")
    assert error_code(excinfo) == "NotAuthorizedException"
    metadata_ok, password_ok, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    with pytest.raises(ClientError) as excinfo:
        device_sign_in(unsigned_idp, pool_id, client_id, metadata_ok, password_ok, tamper=True)
    assert error_code(excinfo) == "NotAuthorizedException"


def test_device_answer_works_once(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    metadata, device_password, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    srp_client = AWSSRP("alice", PASSWORD, pool_id, client_id, client=unsigned_idp,
                        device_key=metadata["DeviceKey"], device_group_key=metadata["DeviceGroupKey"], device_password=device_password)
    first = sign_in(unsigned_idp, client_id, DEVICE_KEY=metadata["DeviceKey"])
    second = unsigned_idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=first["Session"],
        ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": metadata["DeviceKey"], "SRP_A": long_to_hex(srp_client.large_a_value)},
    )
    responses = srp_client.process_device_challenge(second["ChallengeParameters"])
    request = dict(ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=second["Session"], ChallengeResponses=responses)
    assert "AuthenticationResult" in unsigned_idp.respond_to_auth_challenge(**request)
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(**request)
    assert error_code(excinfo) == "NotAuthorizedException"


def test_device_srp_rejects_a_zero_a(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    metadata, _, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    first = sign_in(unsigned_idp, client_id, DEVICE_KEY=metadata["DeviceKey"])
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=first["Session"],
            ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": metadata["DeviceKey"], "SRP_A": "0"},
        )
    assert error_code(excinfo) == "InvalidParameterException"


def test_device_remembered_only_on_prompt(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id, on_prompt=True)
    result = sign_in(unsigned_idp, client_id)["AuthenticationResult"]
    metadata, _, necessary = confirm(unsigned_idp, result)
    assert necessary is True
    # Not remembered yet: the device key does not start device authentication.
    assert "AuthenticationResult" in sign_in(unsigned_idp, client_id, DEVICE_KEY=metadata["DeviceKey"])
    unsigned_idp.update_device_status(AccessToken=result["AccessToken"], DeviceKey=metadata["DeviceKey"], DeviceRememberedStatus="remembered")
    assert sign_in(unsigned_idp, client_id, DEVICE_KEY=metadata["DeviceKey"])["ChallengeName"] == "DEVICE_SRP_AUTH"


def test_confirm_device_errors(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    result = sign_in(unsigned_idp, client_id)["AuthenticationResult"]
    _, config = generate_hash_device("-group", "us-east-1_x")
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_device(
            AccessToken=result["AccessToken"], DeviceKey="us-east-1_00000000-0000-0000-0000-000000000000", DeviceSecretVerifierConfig=config
        )
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=result["NewDeviceMetadata"]["DeviceKey"],
            DeviceSecretVerifierConfig={"PasswordVerifier": "!!", "Salt": "AA=="},
        )
    assert error_code(excinfo) == "InvalidParameterException"


def test_list_update_forget_and_admin_variants(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    keys, access = [], None
    for name in ("one", "two", "three"):
        result = sign_in(unsigned_idp, client_id)["AuthenticationResult"]
        keys.append(confirm(unsigned_idp, result, name)[0]["DeviceKey"])
        access = result["AccessToken"]
    sign_in(unsigned_idp, client_id)  # a key handed out but never confirmed is not a device
    page = unsigned_idp.list_devices(AccessToken=access, Limit=2)
    assert len(page["Devices"]) == 2 and page["PaginationToken"]
    rest = unsigned_idp.list_devices(AccessToken=access, Limit=2, PaginationToken=page["PaginationToken"])
    assert [d["DeviceKey"] for d in page["Devices"] + rest["Devices"]] == keys and "PaginationToken" not in rest
    admin_listed = idp.admin_list_devices(UserPoolId=pool_id, Username="alice")["Devices"]
    assert [d["DeviceKey"] for d in admin_listed] == keys

    idp.admin_update_device_status(UserPoolId=pool_id, Username="alice", DeviceKey=keys[0], DeviceRememberedStatus="not_remembered")
    device = idp.admin_get_device(UserPoolId=pool_id, Username="alice", DeviceKey=keys[0])["Device"]
    assert {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}["dev:device_remembered_status"] == "not_remembered"

    unsigned_idp.forget_device(AccessToken=access, DeviceKey=keys[1])
    idp.admin_forget_device(UserPoolId=pool_id, Username="alice", DeviceKey=keys[2])
    assert [d["DeviceKey"] for d in unsigned_idp.list_devices(AccessToken=access)["Devices"]] == keys[:1]
    for call in (
        lambda: unsigned_idp.get_device(AccessToken=access, DeviceKey=keys[1]),
        lambda: idp.admin_get_device(UserPoolId=pool_id, Username="alice", DeviceKey=keys[2]),
        lambda: unsigned_idp.forget_device(AccessToken=access, DeviceKey=keys[1]),
        lambda: unsigned_idp.update_device_status(AccessToken=access, DeviceKey=keys[2], DeviceRememberedStatus="remembered"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ResourceNotFoundException"


def test_another_users_device_is_not_found(idp, unsigned_idp, pool_id, client_id, alice):
    track_devices(idp, pool_id)
    key = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])[0]["DeviceKey"]
    make_user(idp, pool_id, username="bob")
    bob = sign_in(unsigned_idp, client_id, username="bob")["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as excinfo:
        unsigned_idp.get_device(AccessToken=bob, DeviceKey=key)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_list_devices(UserPoolId=pool_id, Username="nobody")
    assert error_code(excinfo) == "UserNotFoundException"


def test_device_keys_never_confirmed_are_dropped_after_a_day(idp, unsigned_idp, pool_id, client_id, alice, fake_clock):
    from userpools.models import Device

    track_devices(idp, pool_id)
    kept, password, _ = confirm(unsigned_idp, sign_in(unsigned_idp, client_id)["AuthenticationResult"])
    abandoned = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"]
    fake_clock.advance(seconds=86400 + 300)  # rows are stamped by the real clock: leave room for a slow machine
    fresh = sign_in(unsigned_idp, client_id)["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"]
    assert set(Device.objects.values_list("device_key", flat=True)) == {kept["DeviceKey"], fresh}
    assert abandoned not in {kept["DeviceKey"], fresh}
