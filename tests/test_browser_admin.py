"""Issue 14's "Done when", in Chromium: in a pool of 100,000 users an admin finds one by email,
disables them (their tokens stop working), resets a password (the code is mailed) and adds a
group, and each change is in the audit trail's admin page under the admin's name.

The pool is filled with bulk_create (users and their email rows), the one user acted on is made
through the API so that it can sign in. Screenshots of each step go to var/test-artifacts/.
"""
from __future__ import annotations

import time
import uuid

import pytest
from botocore.exceptions import ClientError
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.browser import screenshot
from tests.conftest import error_code
from userpools import admin_search
from userpools.models import User, UserAttribute

pytestmark = pytest.mark.django_db(transaction=True)
POOL_SIZE = 100_000
EMAIL = "dana.lee@example.com"
PASSWORD = "Correct-horse-1"


def _insert(model, rows: list[dict], fixed: dict) -> None:
    """INSERT rows in one executemany: every column not given per row takes the value a model
    instance made with `fixed` would have (so columns added later get their defaults)."""
    prototype = model(**fixed)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_db_prep_save(getattr(prototype, field.attname), connection) for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    position = {field.attname: index for index, field in enumerate(fields)}
    template = [defaults[field.attname] for field in fields]

    def values_of(row: dict) -> list:
        values = template.copy()
        for name, value in row.items():
            values[position[name]] = value
        return values

    values = map(values_of, rows)
    with transaction.atomic(), connection.cursor() as cursor:  # one transaction, not one per row
        if connection.vendor == "postgresql":  # COPY: executemany would be one round trip per row
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
            return
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})", list(values))


def fill_pool(pool_id: str, size: int) -> None:
    """`size` confirmed users with emails, inserted without a model instance per row."""
    now = timezone.now()
    subs = [uuid.uuid4() for _ in range(size)]
    names = [str(sub) for sub in subs]  # usernames are UUIDs in email-username pools; the sub is the same one here
    stored_sub = (lambda sub: sub.hex) if connection.vendor == "sqlite" else (lambda sub: sub)
    _insert(User, [{"username": name, "username_key": name, "sub": stored_sub(sub)} for name, sub in zip(names, subs, strict=True)],
            {"pool_id": pool_id, "status": User.CONFIRMED, "created": now, "modified": now})
    ids = dict(User.objects.filter(pool_id=pool_id).values_list("username", "id"))
    _insert(UserAttribute, [{"user_id": ids[name], "value": f"member{index:06d}@example.com"} for index, name in enumerate(names)],
            {"pool_id": pool_id, "name": "email", "user_id": 0, "value": ""})


@pytest.fixture
def crowded_pool(idp, unsigned_idp):
    pool_id = idp.create_user_pool(PoolName="customers", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="shop", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
    idp.create_group(UserPoolId=pool_id, GroupName="support")
    started, cpu = time.monotonic(), time.process_time()
    fill_pool(pool_id, POOL_SIZE - 1)
    print(f"filled {POOL_SIZE - 1} users in {time.monotonic() - started:.1f}s ({time.process_time() - cpu:.1f}s CPU) on {connection.vendor}")
    idp.admin_create_user(UserPoolId=pool_id, Username=EMAIL, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": EMAIL}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=EMAIL, Password=PASSWORD, Permanent=True)
    signed_in = unsigned_idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": EMAIL, "PASSWORD": PASSWORD})
    return {"id": pool_id, "token": signed_in["AuthenticationResult"]["AccessToken"]}


def _explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def test_search_by_email_uses_indexes_at_100k(crowded_pool):
    assert User.objects.filter(pool_id=crowded_pool["id"]).count() == POOL_SIZE
    with CaptureQueriesContext(connection) as queries:
        found = admin_search.matching_user_ids(EMAIL, None)
    assert [User.objects.get(pk=pk).attribute_values()["email"] for pk in found] == [EMAIL]
    assert len(queries.captured_queries) == 3  # the pools, username matches, email matches
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE userpools_user; ANALYZE userpools_userattribute")
        searches = [query["sql"] for query in queries.captured_queries if "userpools_user" in query["sql"]]
        for sql in searches:
            plan = _explain(sql, None)
            assert "Seq Scan on userpools_user " not in plan and "Seq Scan on userpools_userattribute" not in plan, plan


def test_admin_finds_disables_resets_and_groups_a_user_in_a_crowded_pool(live_server, page, crowded_pool, unsigned_idp):
    get_user_model().objects.create_superuser("ops-alice", "ops@example.com", "admin-password")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/userpools/user/")
    page.fill("input[name=username]", "ops-alice")
    page.fill("input[name=password]", "admin-password")
    page.click("input[type=submit]")
    screenshot(page, "admin-14-1-user-list")

    # Find the user by email among 100,000.
    page.fill("#searchbar", EMAIL)
    started = time.monotonic()
    page.click("#changelist-search input[type=submit]")
    page.wait_for_selector("#result_list")
    searched_in = time.monotonic() - started
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and EMAIL in rows.first.inner_text()
    assert searched_in < 5, searched_in
    screenshot(page, "admin-14-2-found-by-email")

    def run_action(action: str) -> None:
        page.check("#result_list tbody input[name=_selected_action]")
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")

    # Disable: the user's access token stops working.
    assert unsigned_idp.get_user(AccessToken=crowded_pool["token"])["UserAttributes"]
    run_action("disable_users")
    assert "Disabled: 1 user(s)." in page.locator("ul.messagelist").inner_text()
    screenshot(page, "admin-14-3-disabled")
    with pytest.raises(ClientError) as refused:
        unsigned_idp.get_user(AccessToken=crowded_pool["token"])
    assert error_code(refused) == "NotAuthorizedException"

    # Reset the password: the code is mailed.
    mail.outbox.clear()
    run_action("reset_passwords")
    assert "Password reset: 1 user(s)." in page.locator("ul.messagelist").inner_text()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    screenshot(page, "admin-14-4-password-reset")

    # Add to a group through the chooser page.
    run_action("add_to_group")
    page.wait_for_selector("select[name=group]")
    screenshot(page, "admin-14-5-choose-group")
    page.select_option("select[name=group]", label="support")
    page.click("input[type=submit][value=AdminAddUserToGroup]")
    assert "Added to support: 1 user(s)." in page.locator("ul.messagelist").inner_text()
    target = User.objects.get(pool_id=crowded_pool["id"], attributes__name="email", attributes__value=EMAIL)
    assert [group.name for group in target.groups.all()] == ["support"]
    assert target.status == User.RESET_REQUIRED and not target.enabled

    # The user's page: status, group and the admin's changes among their events.
    page.click(f"#result_list a:has-text('{EMAIL}')")
    page.wait_for_selector("fieldset")
    user_page = page.locator("#content").inner_text()
    assert "RESET_REQUIRED" in user_page and "support" in user_page and "AdminAddUserToGroup" in user_page
    screenshot(page, "admin-14-6-user-page")

    # The audit trail's admin page lists all three under the admin's name.
    page.goto(f"{live_server.url}/admin/audit/event/?identity_type__exact=AdminSiteAccount")
    trail = page.locator("#result_list").inner_text()
    for name in ("AdminDisableUser", "AdminResetUserPassword", "AdminAddUserToGroup"):
        assert name in trail
    assert trail.count("ops-alice") >= 3
    screenshot(page, "admin-14-7-audit-trail")

    # The pool: its settings in sections, and how many users it has.
    page.goto(f"{live_server.url}/admin/userpools/userpool/{crowded_pool['id']}/change/")
    headings = page.locator("fieldset h2").all_inner_texts()
    assert {"Sign-in", "Password policy", "Triggers", "Attributes"} <= set(headings), headings
    assert f"CONFIRMED: {POOL_SIZE - 1}" in page.locator("#content").inner_text()
    screenshot(page, "admin-14-8-pool-settings")
