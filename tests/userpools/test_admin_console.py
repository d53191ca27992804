"""Django admin as a user manager: every action runs the Admin* service (tokens revoked, codes
mailed, triggers and rules applied) and is in the audit trail under the admin account's name.
The admin is driven through Django's test client; the user's side is boto3 against the live server."""
from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from audit.models import Event
from tests.conftest import error_code, make_client
from tests.userpools.token_support import PASSWORD
from userpools.models import Device, Group, GroupMembership, User

pytestmark = pytest.mark.django_db(transaction=True)
CHANGELIST = "admin:userpools_user_changelist"


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("ops-alice", "ops@example.com", "admin-password"))
    return client


@pytest.fixture
def pool(idp):
    """A pool whose usernames are emails (stored usernames are UUIDs), with an app client and a group."""
    pool_id = idp.create_user_pool(PoolName="customers", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    idp.create_group(UserPoolId=pool_id, GroupName="support")
    return {"id": pool_id, "client_id": client_id}


def make_member(idp, pool, email: str, **attributes) -> User:
    extra = [{"Name": name, "Value": value} for name, value in attributes.items()]
    idp.admin_create_user(UserPoolId=pool["id"], Username=email, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}, *extra])
    idp.admin_set_user_password(UserPoolId=pool["id"], Username=email, Password=PASSWORD, Permanent=True)
    return User.objects.get(pool_id=pool["id"], attributes__name="email", attributes__value=email)


def sign_in(unsigned_idp, pool, email: str) -> str:
    answer = unsigned_idp.initiate_auth(ClientId=pool["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    return answer["AuthenticationResult"]["AccessToken"]


def act(admin_client, action: str, users: list[User], **extra):
    data = {"action": action, "_selected_action": [str(user.pk) for user in users], **extra}
    return admin_client.post(reverse(CHANGELIST), data, follow=True)


def admin_events(name: str) -> list[Event]:
    return list(Event.objects.filter(event_name=name, identity_type="AdminSiteAccount"))


def test_list_shows_emails_not_uuids_and_finds_users_by_email_phone_and_sub(admin_client, idp, pool):
    alice = make_member(idp, pool, "alice@example.com", phone_number="+15550100")
    make_member(idp, pool, "bob@example.com")
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "alice@example.com" in page and "+15550100" in page and "CONFIRMED" in page
    # The row's link shows what people know the user by, not the UUID username.
    assert ">alice@example.com</a>" in page and f">{alice.username}<" not in page

    def found(term: str) -> str:
        return admin_client.get(reverse(CHANGELIST), {"q": term}).content.decode()

    assert "alice@example.com" in found("alice@ex") and "bob@example.com" not in found("alice@ex")
    assert "alice@example.com" in found("ALICE@EXAMPLE.COM")  # an exact email in any case
    assert "alice@example.com" in found("+1555")
    assert "alice@example.com" in found(str(alice.sub))
    assert "alice@example.com" in found(alice.username[:8])
    assert "0 users" in found("carol@")


def test_search_query_count_does_not_grow_with_matches(admin_client, idp, pool, django_assert_max_num_queries):
    for number in range(5):
        make_member(idp, pool, f"user{number}@example.com")
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse(CHANGELIST), {"q": "user", "pool__id__exact": pool["id"]}).content.decode()
    assert all(f"user{number}@example.com" in page for number in range(5))


def test_filters_by_pool_status_enabled_and_group(admin_client, idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    make_member(idp, pool, "bob@example.com")
    idp.admin_add_user_to_group(UserPoolId=pool["id"], Username="alice@example.com", GroupName="support")
    group_id = GroupMembership.objects.get(user=alice).group_id
    by_group = admin_client.get(reverse(CHANGELIST), {"pool__id__exact": pool["id"], "group": str(group_id)}).content.decode()
    assert "alice@example.com" in by_group and "bob@example.com" not in by_group
    assert "support" in by_group  # the group filter lists the chosen pool's groups
    assert "Show counts" not in by_group  # facet counts would COUNT every choice over every user
    idp.admin_disable_user(UserPoolId=pool["id"], Username="bob@example.com")
    disabled = admin_client.get(reverse(CHANGELIST), {"enabled__exact": "0"}).content.decode()
    assert "bob@example.com" in disabled and "alice@example.com" not in disabled
    assert "alice@example.com" in admin_client.get(reverse(CHANGELIST), {"status__exact": "CONFIRMED"}).content.decode()


def test_disable_revokes_tokens_and_is_audited_as_the_admin(admin_client, idp, unsigned_idp, live_server, pool):
    alice = make_member(idp, pool, "alice@example.com")
    token = sign_in(unsigned_idp, pool, "alice@example.com")
    assert unsigned_idp.get_user(AccessToken=token)["Username"] == alice.username
    page = act(admin_client, "disable_users", [alice]).content.decode()
    assert "Disabled: 1 user(s)." in page
    with pytest.raises(ClientError) as refused:
        unsigned_idp.get_user(AccessToken=token)
    assert error_code(refused) == "NotAuthorizedException"
    assert idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")["Enabled"] is False
    # The trail names the admin account, and CloudTrail's LookupEvents finds it by that name.
    trail = make_client(live_server.url, "cloudtrail")
    found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "ops-alice"}])["Events"]
    record = json.loads(found[0]["CloudTrailEvent"])
    assert record["eventName"] == "AdminDisableUser" and record["eventSource"] == "cognito-idp.amazonaws.com"
    assert record["userIdentity"] == {"type": "AdminSiteAccount", "principalId": "ops-alice", "accountId": "000000000000", "userName": "ops-alice"}
    # The username is hidden, as CloudTrail hides it; the sub says whom the change was about.
    assert record["requestParameters"] == {"UserPoolId": pool["id"], "Username": "HIDDEN_DUE_TO_SECURITY_REASONS"}
    assert record["additionalEventData"] == {"sub": str(alice.sub)}

    act(admin_client, "enable_users", [alice])
    assert idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")["Enabled"] is True
    assert len(admin_events("AdminEnableUser")) == 1


def test_reset_password_mails_a_code_and_ends_sessions(admin_client, idp, unsigned_idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    token = sign_in(unsigned_idp, pool, "alice@example.com")
    mail.outbox.clear()
    act(admin_client, "reset_passwords", [alice])
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]
    assert any(character.isdigit() for character in mail.outbox[0].body)
    assert idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(ClientError):
        unsigned_idp.get_user(AccessToken=token)
    assert len(admin_events("AdminResetUserPassword")) == 1


def test_confirm_and_its_refusal_shown(admin_client, idp, unsigned_idp, pool):
    unsigned_idp.sign_up(ClientId=pool["client_id"], Username="new@example.com", Password=PASSWORD)
    newcomer = User.objects.get(pool_id=pool["id"], status=User.UNCONFIRMED)
    assert "Confirmed: 1 user(s)." in act(admin_client, "confirm_users", [newcomer]).content.decode()
    assert idp.admin_get_user(UserPoolId=pool["id"], Username="new@example.com")["UserStatus"] == "CONFIRMED"
    again = act(admin_client, "confirm_users", [newcomer]).content.decode()
    assert "User cannot be confirmed. Current status is CONFIRMED" in again
    assert [event.error_code for event in admin_events("AdminConfirmSignUp")] == ["NotAuthorizedException", ""]


def test_global_sign_out(admin_client, idp, unsigned_idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    token = sign_in(unsigned_idp, pool, "alice@example.com")
    act(admin_client, "sign_out_users", [alice])
    with pytest.raises(ClientError) as refused:
        unsigned_idp.get_user(AccessToken=token)
    assert error_code(refused) == "NotAuthorizedException"
    assert len(admin_events("AdminUserGlobalSignOut")) == 1


def test_add_to_and_remove_from_group_through_a_chooser_page(admin_client, idp, unsigned_idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    chooser = act(admin_client, "add_to_group", [alice]).content.decode()
    assert 'name="group"' in chooser and "support" in chooser and "alice@example.com" in chooser
    group_id = Group.objects.get(pool_id=pool["id"], name="support").pk
    act(admin_client, "add_to_group", [alice], group=str(group_id), apply="yes")
    listed = idp.admin_list_groups_for_user(UserPoolId=pool["id"], Username="alice@example.com")["Groups"]
    assert [group["GroupName"] for group in listed] == ["support"]
    token = sign_in(unsigned_idp, pool, "alice@example.com")
    assert unsigned_idp.get_user(AccessToken=token)["Username"] == alice.username
    act(admin_client, "remove_from_group", [alice], group=str(group_id), apply="yes")
    assert idp.admin_list_groups_for_user(UserPoolId=pool["id"], Username="alice@example.com")["Groups"] == []
    added = admin_events("AdminAddUserToGroup")
    assert len(added) == 1 and added[0].request_parameters["GroupName"] == "support"
    assert len(admin_events("AdminRemoveUserFromGroup")) == 1


def test_delete_runs_admin_delete_user(admin_client, idp, unsigned_idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    token = sign_in(unsigned_idp, pool, "alice@example.com")
    act(admin_client, "delete_selected", [alice], post="yes")
    with pytest.raises(ClientError) as missing:
        idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")
    assert error_code(missing) == "UserNotFoundException"
    with pytest.raises(ClientError):
        unsigned_idp.get_user(AccessToken=token)
    assert len(admin_events("AdminDeleteUser")) == 1


def _attribute_form(admin_client, user: User) -> tuple[dict[str, str], dict[str, str]]:
    """The change form's attribute fields (attribute name -> field name) and their values as shown."""
    page = admin_client.get(reverse("admin:userpools_user_change", args=[user.pk])).content.decode()
    fields = {label: field for field, label in re.findall(r'<label for="id_(attribute_\d+)">([\w:]+):</label>', page)}
    values = {field: (re.search(rf'name="{field}"(?: value="([^"]*)")?', page).group(1) or "") for field in fields.values()}
    return fields, values


def test_user_page_edits_attributes_by_the_pool_rules(admin_client, idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    fields, shown = _attribute_form(admin_client, alice)
    assert {"email", "given_name", "phone_number"} <= set(fields) and shown[fields["email"]] == "alice@example.com"
    url = reverse("admin:userpools_user_change", args=[alice.pk])
    saved = admin_client.post(url, {**shown, fields["given_name"]: "Alice"}, follow=True)
    assert saved.status_code == 200
    attributes = {a["Name"]: a["Value"] for a in idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")["UserAttributes"]}
    assert attributes["given_name"] == "Alice"
    assert len(admin_events("AdminUpdateUserAttributes")) == 1

    refused = admin_client.post(url, {**shown, fields["email"]: "not-an-email", fields["given_name"]: "Alice"})
    assert refused.status_code == 200  # the form again, with the service's refusal on it
    assert "Invalid email address format." in refused.content.decode()
    assert User.objects.get(pk=alice.pk).attribute_values()["email"] == "alice@example.com"

    admin_client.post(url, {**shown, fields["given_name"]: ""})
    assert "given_name" not in User.objects.get(pk=alice.pk).attribute_values()
    assert len(admin_events("AdminDeleteUserAttributes")) == 1


def test_user_page_shows_status_read_only_groups_sign_ins_and_events(admin_client, idp, unsigned_idp, pool):
    alice = make_member(idp, pool, "alice@example.com")
    sign_in(unsigned_idp, pool, "alice@example.com")
    idp.admin_add_user_to_group(UserPoolId=pool["id"], Username="alice@example.com", GroupName="support")
    act(admin_client, "sign_out_users", [alice])
    page = admin_client.get(reverse("admin:userpools_user_change", args=[alice.pk])).content.decode()
    assert 'name="status"' not in page and 'name="enabled"' not in page and "CONFIRMED" in page
    assert "support" in page and "web" in page and "signed out" in page  # the group, the client signed in to
    assert "AdminUserGlobalSignOut" in page and "ops-alice" in page  # the admin's change, in the user's events
    assert "<h2>alice@example.com</h2>" in page and "&rsaquo; alice@example.com" in page


def test_mfa_methods_and_devices_are_removed_through_the_services(admin_client, idp, pool):
    alice = make_member(idp, pool, "alice@example.com", phone_number="+15550100")
    idp.admin_set_user_mfa_preference(UserPoolId=pool["id"], Username="alice@example.com", SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    Device.objects.create(user=alice, device_key="us-east-1_0f1e2d3c-aaaa-bbbb-cccc-000000000001", device_group_key="-group",
                          name="Alice's laptop", srp_salt="00", srp_verifier="00", remembered=True)
    page = admin_client.get(reverse("admin:userpools_user_change", args=[alice.pk])).content.decode()
    assert "SMS_MFA" in page and "preferred" in page and "Alice&#x27;s laptop" in page
    off = reverse("admin:userpools_user_mfa_off", args=[alice.pk, "SMS_MFA"])
    assert admin_client.get(off).status_code == 405
    admin_client.post(off)
    answer = idp.admin_get_user(UserPoolId=pool["id"], Username="alice@example.com")
    assert "UserMFASettingList" not in answer and "PreferredMfaSetting" not in answer
    admin_client.post(reverse("admin:userpools_user_forget_device", args=[alice.pk, "us-east-1_0f1e2d3c-aaaa-bbbb-cccc-000000000001"]))
    assert not Device.objects.filter(user=alice).exists()
    assert len(admin_events("AdminSetUserMFAPreference")) == 1 and len(admin_events("AdminForgetDevice")) == 1


def test_pool_pages_show_settings_in_sections_and_user_counts(admin_client, idp, pool, django_assert_max_num_queries):
    make_member(idp, pool, "alice@example.com")
    make_member(idp, pool, "bob@example.com")
    idp.create_user_pool(PoolName="empty")
    with django_assert_max_num_queries(8):
        listing = admin_client.get(reverse("admin:userpools_userpool_changelist")).content.decode()
    assert '<td class="field-user_count">2</td>' in listing and '<td class="field-user_count">0</td>' in listing
    page = admin_client.get(reverse("admin:userpools_userpool_change", args=[quote(pool["id"])])).content.decode()
    for section in ("Sign-in", "Password policy", "Multi-factor authentication and devices", "Verification and messages", "Triggers"):
        assert f">{section}</h2>" in page
    assert "MinimumLength" in page and "CONFIRMED: 2" in page and "UsernameAttributes" in page


def test_admin_accounts_are_not_labelled_like_pool_users(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Admin accounts" in index and "Admin groups" in index
    assert reverse("admin:iam_adminaccount_changelist") in index
    assert "/admin/auth/" not in index  # no second bare "Users"/"Groups" pair
    assert "ops-alice" in admin_client.get(reverse("admin:iam_adminaccount_changelist")).content.decode()


def test_group_edits_and_deletes_run_the_group_services(admin_client, idp, pool):
    group = Group.objects.get(pool_id=pool["id"], name="support")
    url = reverse("admin:userpools_group_change", args=[group.pk])
    admin_client.post(url, {"description": "Front-line support", "role_arn": "", "precedence": "3"})
    described = idp.get_group(UserPoolId=pool["id"], GroupName="support")["Group"]
    assert described["Description"] == "Front-line support" and described["Precedence"] == 3
    admin_client.post(reverse("admin:userpools_group_delete", args=[group.pk]), {"post": "yes"})
    assert idp.list_groups(UserPoolId=pool["id"])["Groups"] == []
    assert len(admin_events("UpdateGroup")) == 1 and len(admin_events("DeleteGroup")) == 1


def test_actions_refuse_a_selection_too_large_for_one_request(admin_client, idp, pool, monkeypatch):
    from userpools import admin_users

    monkeypatch.setattr(admin_users, "MAX_SELECTED", 1)
    both = [make_member(idp, pool, "alice@example.com"), make_member(idp, pool, "bob@example.com")]
    for action in ("disable_users", "delete_selected"):
        assert "Select at most 1 users for one action." in act(admin_client, action, both).content.decode()
    assert User.objects.filter(pool_id=pool["id"], enabled=True).count() == 2
    assert not Event.objects.filter(identity_type="AdminSiteAccount").exists()


def test_pool_deletion_runs_delete_user_pool_and_respects_its_protection(admin_client, idp, pool):
    page = admin_client.get(reverse("admin:userpools_userpool_change", args=[quote(pool["id"])])).content.decode()
    assert 'name="name"' not in page  # a pool's name is set when it is created, as on Cognito
    idp.update_user_pool(UserPoolId=pool["id"], DeletionProtection="ACTIVE", AutoVerifiedAttributes=["email"])
    delete = reverse("admin:userpools_userpool_delete", args=[quote(pool["id"])])
    refused = admin_client.post(delete, {"post": "yes"}, follow=True).content.decode()
    assert "DeleteUserPool refused" in refused
    assert idp.describe_user_pool(UserPoolId=pool["id"])["UserPool"]["Id"] == pool["id"]
    idp.update_user_pool(UserPoolId=pool["id"], DeletionProtection="INACTIVE", AutoVerifiedAttributes=["email"])
    admin_client.post(delete, {"post": "yes"})
    with pytest.raises(ClientError) as gone:
        idp.describe_user_pool(UserPoolId=pool["id"])
    assert error_code(gone) == "ResourceNotFoundException"
    assert [event.error_code for event in admin_events("DeleteUserPool")] == ["", "InvalidParameterException"]
