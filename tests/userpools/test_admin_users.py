import re
import threading

import pytest
from botocore.exceptions import ClientError
from django.core import mail
from django.db import connection

from tests.conftest import error_code, make_client
from userpools.models import User
from userpools.services.passwords import verify_password

pytestmark = pytest.mark.django_db(transaction=True)

TEMP_PASSWORD_IN_MAIL = re.compile(r"temporary password is (\S+)\.$")


def attrs(response_attributes) -> dict:
    return {a["Name"]: a["Value"] for a in response_attributes}


def stored(pool_id: str, username: str) -> User:
    return User.objects.get(pool_id=pool_id, username=username)


def create(idp, pool_id, username="alice", **kwargs):
    kwargs.setdefault("MessageAction", "SUPPRESS")
    return idp.admin_create_user(UserPoolId=pool_id, Username=username, **kwargs)["User"]


# --- AdminCreateUser / AdminGetUser --------------------------------------------------------

def test_create_user_then_get_it(idp, pool_id):
    user = create(idp, pool_id, UserAttributes=[{"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "True"}])
    assert user["Username"] == "alice"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    created = attrs(user["Attributes"])
    assert created["email"] == "alice@example.com" and created["email_verified"] == "true"
    got = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert got["Username"] == "alice"
    assert got["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert attrs(got["UserAttributes"])["sub"] == created["sub"]
    assert got["UserAttributes"][0]["Name"] == "sub"
    assert got["UserCreateDate"] <= got["UserLastModifiedDate"]


def test_invitation_email_carries_a_working_temporary_password(idp, pool_id):
    mail.outbox.clear()
    idp.admin_create_user(UserPoolId=pool_id, Username="bob", UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.com"]
    assert message.subject == "Your temporary password"
    assert message.body.startswith("Your username is bob and temporary password is ")
    temporary = TEMP_PASSWORD_IN_MAIL.search(message.body).group(1)
    assert verify_password(temporary, stored(pool_id, "bob").password)


def test_given_temporary_password_is_used_and_custom_template_rendered(idp):
    pool_id = idp.create_user_pool(
        PoolName="tmpl",
        AdminCreateUserConfig={"InviteMessageTemplate": {"EmailSubject": "Welcome!", "EmailMessage": "Hi {username}, use {####} to sign in."}},
    )["UserPool"]["Id"]
    mail.outbox.clear()
    idp.admin_create_user(UserPoolId=pool_id, Username="carol", TemporaryPassword="Temp#Pass1", UserAttributes=[{"Name": "email", "Value": "c@example.com"}])
    assert [m.subject for m in mail.outbox] == ["Welcome!"]
    assert mail.outbox[0].body == "Hi carol, use Temp#Pass1 to sign in."
    assert verify_password("Temp#Pass1", stored(pool_id, "carol").password)


def test_a_password_with_angle_brackets_stays_plain_text(idp, pool_id):
    """Generated passwords may hold '<' and '>': the mail must not become HTML and lose them."""
    mail.outbox.clear()
    idp.admin_create_user(UserPoolId=pool_id, Username="tom", TemporaryPassword="Tmp<b>Pass1!",
                          UserAttributes=[{"Name": "email", "Value": "tom@example.com"}])
    (message,) = mail.outbox
    assert message.alternatives == []
    assert message.body == "Your username is tom and temporary password is Tmp<b>Pass1!."


def test_an_html_template_escapes_the_password_and_keeps_it_exact_in_the_text_part(idp):
    pool_id = idp.create_user_pool(
        PoolName="html",
        AdminCreateUserConfig={"InviteMessageTemplate": {"EmailSubject": "Welcome", "EmailMessage": "<p>Hi {username}, use <b>{####}</b></p>"}},
    )["UserPool"]["Id"]
    mail.outbox.clear()
    idp.admin_create_user(UserPoolId=pool_id, Username="ann", TemporaryPassword="Tmp<i>&Pass1",
                          UserAttributes=[{"Name": "email", "Value": "ann@example.com"}])
    (message,) = mail.outbox
    assert message.body == "Hi ann, use Tmp<i>&Pass1"
    assert message.alternatives[0][0] == "<p>Hi ann, use <b>Tmp&lt;i&gt;&amp;Pass1</b></p>"


def test_suppress_sends_nothing(idp, pool_id):
    mail.outbox.clear()
    create(idp, pool_id, "dave", UserAttributes=[{"Name": "email", "Value": "d@example.com"}])
    assert mail.outbox == []


def test_sms_invitation_goes_through_the_sms_sender(idp, pool_id, settings, tmp_path):
    from userpools.delivery.sms import get_sms_sender

    settings.SMS_BACKEND = "userpools.delivery.sms.FileSmsSender"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    get_sms_sender.cache_clear()
    try:
        idp.admin_create_user(
            UserPoolId=pool_id, Username="erin", UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}], DesiredDeliveryMediums=["SMS"]
        )
    finally:
        get_sms_sender.cache_clear()
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 1 and '"+15555550100"' in lines[0] and "Your username is erin" in lines[0]


def test_delivery_medium_without_contact_is_rejected(idp, pool_id):
    with pytest.raises(ClientError) as excinfo:
        idp.admin_create_user(UserPoolId=pool_id, Username="x", DesiredDeliveryMediums=["EMAIL"])
    assert error_code(excinfo) == "InvalidParameterException"
    assert not User.objects.filter(pool_id=pool_id).exists()


def test_resend_resets_the_temporary_password(idp, pool_id):
    create(idp, pool_id, "fay", TemporaryPassword="First#Pass1", UserAttributes=[{"Name": "email", "Value": "f@example.com"}])
    mail.outbox.clear()
    idp.admin_create_user(UserPoolId=pool_id, Username="fay", MessageAction="RESEND")
    temporary = TEMP_PASSWORD_IN_MAIL.search(mail.outbox[0].body).group(1)
    user = stored(pool_id, "fay")
    assert verify_password(temporary, user.password) and not verify_password("First#Pass1", user.password)


def test_resend_needs_force_change_password(idp, pool_id):
    create(idp, pool_id, "gus")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="gus", Password="Perm#Pass1", Permanent=True)
    with pytest.raises(ClientError) as excinfo:
        idp.admin_create_user(UserPoolId=pool_id, Username="gus", MessageAction="RESEND")
    assert error_code(excinfo) == "UnsupportedUserStateException"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_create_user(UserPoolId=pool_id, Username="nobody", MessageAction="RESEND")
    assert error_code(excinfo) == "UserNotFoundException"


def test_duplicate_username(idp, pool_id):
    create(idp, pool_id, "hal")
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "hal")
    assert error_code(excinfo) == "UsernameExistsException"
    assert excinfo.value.response["Error"]["Message"] == "User account already exists"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables across live-server threads; run on PostgreSQL",
)
def test_concurrent_creates_yield_one_user(live_server, pool_id):
    outcomes: list[str] = []

    def attempt():
        client = make_client(live_server.url)
        try:
            create(client, pool_id, "race")
            outcomes.append("ok")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert sorted(set(outcomes) - {"ok"}) == ["UsernameExistsException"]
    assert User.objects.filter(pool_id=pool_id, username="race").count() == 1


def test_case_insensitive_pool_finds_user_in_any_case(idp):
    pool_id = idp.create_user_pool(PoolName="ci", UsernameConfiguration={"CaseSensitive": False})["UserPool"]["Id"]
    create(idp, pool_id, "Ivy")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="IVY")["Username"] == "Ivy"
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "ivy")
    assert error_code(excinfo) == "UsernameExistsException"


def test_case_sensitive_pool_keeps_names_apart(idp, pool_id):
    create(idp, pool_id, "Jo")
    create(idp, pool_id, "jo")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_get_user(UserPoolId=pool_id, Username="JO")
    assert error_code(excinfo) == "UserNotFoundException"


def test_username_attributes_pool_uses_email_as_sign_in_name(idp):
    pool_id = idp.create_user_pool(PoolName="ua", UsernameAttributes=["email"])["UserPool"]["Id"]
    user = create(idp, pool_id, "kim@example.com")
    values = attrs(user["Attributes"])
    assert user["Username"] == values["sub"]
    assert values["email"] == "kim@example.com"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="kim@example.com")["Username"] == user["Username"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username=user["Username"])["Username"] == user["Username"]
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "kim@example.com")
    assert error_code(excinfo) == "UsernameExistsException"
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "plainname")
    assert error_code(excinfo) == "InvalidParameterException"
    assert excinfo.value.response["Error"]["Message"] == "Username should be an email."


def test_alias_pool_rejects_email_shaped_username_and_finds_verified_alias(idp):
    pool_id = idp.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "lee@example.com")
    assert error_code(excinfo) == "InvalidParameterException"
    create(idp, pool_id, "lee", UserAttributes=[{"Name": "email", "Value": "lee@example.com"}, {"Name": "email_verified", "Value": "true"}])
    create(idp, pool_id, "max", UserAttributes=[{"Name": "email", "Value": "max@example.com"}])
    assert idp.admin_get_user(UserPoolId=pool_id, Username="lee@example.com")["Username"] == "lee"
    with pytest.raises(ClientError) as excinfo:  # unverified email is no alias
        idp.admin_get_user(UserPoolId=pool_id, Username="max@example.com")
    assert error_code(excinfo) == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "lee2", UserAttributes=[{"Name": "email", "Value": "lee@example.com"}, {"Name": "email_verified", "Value": "true"}])
    assert error_code(excinfo) == "AliasExistsException"
    create(
        idp, pool_id, "lee3", ForceAliasCreation=True,
        UserAttributes=[{"Name": "email", "Value": "lee@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="lee@example.com")["Username"] == "lee3"
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="lee")["UserAttributes"])["email_verified"] == "false"


def test_required_unknown_and_read_only_attributes(idp):
    pool_id = idp.create_user_pool(
        PoolName="req", Schema=[{"Name": "email", "Required": True}, {"Name": "tenant", "AttributeDataType": "String", "Mutable": False}]
    )["UserPool"]["Id"]
    with pytest.raises(ClientError) as excinfo:
        create(idp, pool_id, "nia")
    assert error_code(excinfo) == "InvalidParameterException"
    assert "email: The attribute is required" in excinfo.value.response["Error"]["Message"]
    for bad in ({"Name": "custom:nope", "Value": "x"}, {"Name": "sub", "Value": "x"}, {"Name": "favourite", "Value": "x"}):
        with pytest.raises(ClientError) as excinfo:
            create(idp, pool_id, "nia", UserAttributes=[{"Name": "email", "Value": "n@example.com"}, bad])
        assert error_code(excinfo) == "InvalidParameterException"
    user = create(idp, pool_id, "nia", UserAttributes=[{"Name": "email", "Value": "n@example.com"}, {"Name": "custom:tenant", "Value": "acme"}])
    assert attrs(user["Attributes"])["custom:tenant"] == "acme"
    with pytest.raises(ClientError) as excinfo:  # immutable after creation
        idp.admin_update_user_attributes(UserPoolId=pool_id, Username="nia", UserAttributes=[{"Name": "custom:tenant", "Value": "other"}])
    assert error_code(excinfo) == "InvalidParameterException"


def test_temporary_password_must_follow_policy(idp):
    pool_id = idp.create_user_pool(PoolName="pw", Policies={"PasswordPolicy": {"MinimumLength": 10}})["UserPool"]["Id"]
    cases = {
        "Sh#rt1a": "Password did not conform with policy: Password not long enough",
        "nouppercase#1": "Password did not conform with policy: Password must have uppercase characters",
        "NoSymbolsHere1": "Password did not conform with policy: Password must have symbol characters",
    }
    for password, message in cases.items():
        with pytest.raises(ClientError) as excinfo:
            create(idp, pool_id, "olga", TemporaryPassword=password)
        assert error_code(excinfo) == "InvalidPasswordException"
        assert excinfo.value.response["Error"]["Message"] == message
    assert not User.objects.filter(pool_id=pool_id).exists()


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as excinfo:
        idp.admin_create_user(UserPoolId="us-east-1_missing00", Username="p")
    assert error_code(excinfo) == "ResourceNotFoundException"


# --- delete, enable/disable, confirm, password ----------------------------------------------

def test_delete_user(idp, pool_id):
    create(idp, pool_id, "pat")
    idp.admin_delete_user(UserPoolId=pool_id, Username="pat")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_get_user(UserPoolId=pool_id, Username="pat")
    assert error_code(excinfo) == "UserNotFoundException"
    assert excinfo.value.response["Error"]["Message"] == "User does not exist."
    with pytest.raises(ClientError) as excinfo:
        idp.admin_delete_user(UserPoolId=pool_id, Username="pat")
    assert error_code(excinfo) == "UserNotFoundException"


def test_disable_and_enable(idp, pool_id):
    create(idp, pool_id, "quin")
    idp.admin_disable_user(UserPoolId=pool_id, Username="quin")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="quin")["Enabled"] is False
    idp.admin_enable_user(UserPoolId=pool_id, Username="quin")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="quin")["Enabled"] is True
    with pytest.raises(ClientError) as excinfo:
        idp.admin_disable_user(UserPoolId=pool_id, Username="ghost")
    assert error_code(excinfo) == "UserNotFoundException"


def test_set_password_permanent_and_temporary(idp, pool_id):
    create(idp, pool_id, "rae")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="rae", Password="Perm#Pass1", Permanent=True)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="rae")["UserStatus"] == "CONFIRMED"
    assert verify_password("Perm#Pass1", stored(pool_id, "rae").password)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="rae", Password="Temp#Pass2", Permanent=False)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="rae")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_set_user_password(UserPoolId=pool_id, Username="rae", Password="weakpass", Permanent=True)
    assert error_code(excinfo) == "InvalidPasswordException"
    assert verify_password("Temp#Pass2", stored(pool_id, "rae").password)


def test_password_hash_is_argon2_in_production_settings(idp, pool_id, settings):
    settings.PASSWORD_HASHERS = ["core.hashers.TunedArgon2PasswordHasher"]
    create(idp, pool_id, "sam", TemporaryPassword="Argon#Pass1")
    assert stored(pool_id, "sam").password.startswith("argon2$")


def test_confirm_sign_up(idp, pool_id):
    create(idp, pool_id, "tia")
    User.objects.filter(pool_id=pool_id, username="tia").update(status=User.UNCONFIRMED)  # as SignUp leaves it
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="tia")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="tia")["UserStatus"] == "CONFIRMED"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="tia")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.response["Error"]["Message"] == "User cannot be confirmed. Current status is CONFIRMED"


# --- attributes ------------------------------------------------------------------------------

def test_update_attributes_unverifies_changed_email(idp, pool_id):
    create(idp, pool_id, "uma", UserAttributes=[{"Name": "email", "Value": "u@example.com"}, {"Name": "email_verified", "Value": "true"}])
    before = idp.admin_get_user(UserPoolId=pool_id, Username="uma")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="uma", UserAttributes=[{"Name": "email", "Value": "new@example.com"}, {"Name": "given_name", "Value": "Uma"}]
    )
    after = idp.admin_get_user(UserPoolId=pool_id, Username="uma")
    values = attrs(after["UserAttributes"])
    assert values["email"] == "new@example.com" and values["email_verified"] == "false" and values["given_name"] == "Uma"
    assert after["UserLastModifiedDate"] >= before["UserLastModifiedDate"]
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="uma", UserAttributes=[{"Name": "email", "Value": "v@example.com"}, {"Name": "email_verified", "Value": "true"}]
    )
    assert attrs(idp.admin_get_user(UserPoolId=pool_id, Username="uma")["UserAttributes"])["email_verified"] == "true"


def test_update_attributes_rejects_sub_and_bad_values(idp, pool_id):
    create(idp, pool_id, "vic")
    for bad in ({"Name": "sub", "Value": "x"}, {"Name": "email", "Value": "not-an-email"}, {"Name": "custom:missing", "Value": "x"}):
        with pytest.raises(ClientError) as excinfo:
            idp.admin_update_user_attributes(UserPoolId=pool_id, Username="vic", UserAttributes=[bad])
        assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_update_user_attributes(UserPoolId=pool_id, Username="ghost", UserAttributes=[{"Name": "name", "Value": "x"}])
    assert error_code(excinfo) == "UserNotFoundException"


def test_delete_attributes(idp):
    pool_id = idp.create_user_pool(PoolName="del", Schema=[{"Name": "name", "Required": True}])["UserPool"]["Id"]
    create(
        idp, pool_id, "wes",
        UserAttributes=[{"Name": "name", "Value": "Wes"}, {"Name": "email", "Value": "w@example.com"}, {"Name": "email_verified", "Value": "true"}],
    )
    idp.admin_delete_user_attributes(UserPoolId=pool_id, Username="wes", UserAttributeNames=["email"])
    values = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="wes")["UserAttributes"])
    assert "email" not in values and "email_verified" not in values and values["name"] == "Wes"
    with pytest.raises(ClientError) as excinfo:
        idp.admin_delete_user_attributes(UserPoolId=pool_id, Username="wes", UserAttributeNames=["name"])
    assert error_code(excinfo) == "InvalidParameterException"
    assert excinfo.value.response["Error"]["Message"] == "user.name: Required attribute cannot be deleted."


def test_concurrent_admin_creates_of_one_email_username_create_one_user(idp, live_server):
    from tests.userpools.concurrency import error_codes, require_postgresql, run_together, successes

    require_postgresql()
    pool_id = idp.create_user_pool(PoolName="race", UsernameAttributes=["email"])["UserPool"]["Id"]
    clients = [make_client(live_server.url) for _ in range(4)]
    results = run_together([
        (lambda c=c: c.admin_create_user(UserPoolId=pool_id, Username="same@example.com", MessageAction="SUPPRESS"))
        for c in clients
    ])
    assert len(successes(results)) == 1
    assert error_codes(results) == ["UsernameExistsException"] * 3
    assert len(idp.list_users(UserPoolId=pool_id)["Users"]) == 1
