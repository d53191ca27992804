"""`manage.py purgeexpired` (and the Celery beat task) delete what can no longer be used and
keep everything that still can."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from ops import tasks
from outbox.models import OutboxMessage
from triggers.models import TriggerInvocation
from userpools.models import AuthorizationCode, Device, HostedSession, LimitCounter, RefreshToken, User, UserPool, UserPoolClient, VerificationCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    """One expired and one live row of each kind; returns the live ones' keys."""
    now = timezone.now()
    pool = UserPool.objects.create(id="us-east-1_Purge0001", name="purge")
    client = UserPoolClient.objects.create(client_id="purgeclient", pool=pool, name="app")
    users = [User.objects.create(pool=pool, username=f"u{i}", username_key=f"u{i}", status=User.CONFIRMED) for i in range(2)]
    live = {}
    VerificationCode.objects.create(user=users[0], purpose=VerificationCode.SIGN_UP, code_hash="x", expires_at=now - timedelta(minutes=1))
    live["code"] = VerificationCode.objects.create(user=users[1], purpose=VerificationCode.SIGN_UP, code_hash="y", expires_at=now + timedelta(hours=1)).pk

    def token(suffix: str, expires: timedelta, revoked: timedelta | None = None) -> int:
        return RefreshToken.objects.create(
            token_hash=f"hash-{suffix}", origin_jti=f"jti-{suffix}", user=users[0], client=client, auth_time=now,
            expires_at=now + expires, revoked_at=None if revoked is None else now + revoked,
        ).pk

    token("long-expired", -timedelta(days=2))
    token("long-revoked", timedelta(days=20), revoked=-timedelta(days=2))
    # Expired or revoked an hour ago: access tokens of that sign-in may still be live, and the row
    # is what says they are revoked.
    live["recently_expired"] = token("recent", -timedelta(hours=1))
    live["recently_revoked"] = token("recent-revoked", timedelta(days=20), revoked=-timedelta(hours=1))
    live["token"] = token("live", timedelta(days=30))

    old = Device.objects.create(user=users[0], device_key="us-east-1_old", device_group_key="-g", srp_salt="", srp_verifier="")
    Device.objects.filter(pk=old.pk).update(created=now - timedelta(days=2))
    live["fresh_key"] = Device.objects.create(user=users[0], device_key="us-east-1_fresh", device_group_key="-g", srp_salt="", srp_verifier="").pk
    confirmed = Device.objects.create(user=users[0], device_key="us-east-1_kept", device_group_key="-g", srp_salt="s", srp_verifier="v")
    Device.objects.filter(pk=confirmed.pk).update(created=now - timedelta(days=400))
    live["confirmed_device"] = confirmed.pk

    live["sessions"] = []
    for age in (-timedelta(days=1), timedelta(days=1)):
        store = SessionStore()
        store["signed_in"] = "alice"
        store.set_expiry(now + age)
        store.save()
        if age > timedelta(0):
            live["sessions"].append(store.session_key)

    def invocation(age: timedelta) -> int:
        return TriggerInvocation.objects.create(
            pool_id=pool.id, trigger_source="PreSignUp_SignUp", function_name="f", attempt=1, synchronous=True,
            started_at=now - age, duration_ms=1, outcome=TriggerInvocation.Outcome.SUCCESS,
        ).pk

    invocation(timedelta(days=settings.TRIGGER_RECORD_RETENTION_DAYS + 1))
    live["invocation"] = invocation(timedelta(days=settings.TRIGGER_RECORD_RETENTION_DAYS - 1))

    def code(name: str, expires: timedelta) -> int:
        return AuthorizationCode.objects.create(code_hash=name, client=client, user=users[0], redirect_uri="https://app.example.com/cb",
                                                scope="openid", auth_time=now, expires_at=now + expires).pk

    code("expired", -timedelta(minutes=1))
    live["authorization_code"] = code("live", timedelta(minutes=5))

    def hosted_session(name: str, expires: timedelta, revoked: bool = False) -> int:
        return HostedSession.objects.create(key_hash=name, pool=pool, user=users[0], auth_time=now, expires_at=now + expires,
                                            revoked_at=now if revoked else None).pk

    hosted_session("expired", -timedelta(minutes=1))
    hosted_session("signed-out", timedelta(minutes=30), revoked=True)
    live["hosted_session"] = hosted_session("live", timedelta(minutes=30))

    LimitCounter.objects.create(key="limits:old", count=3, expires_at=now - timedelta(minutes=1))
    live["limit_counter"] = LimitCounter.objects.create(key="limits:now", count=1, expires_at=now + timedelta(minutes=1)).pk

    def message(failed_ago: timedelta | None) -> int:
        return OutboxMessage.objects.create(kind="mail", payload="sealed", failed_at=None if failed_ago is None else now - failed_ago).pk

    message(timedelta(days=settings.OUTBOX_FAILED_RETENTION_DAYS + 1))
    live["messages"] = {message(timedelta(days=1)), message(None)}
    return live


def _assert_only_live_rows_remain(live: dict) -> None:
    assert list(VerificationCode.objects.values_list("pk", flat=True)) == [live["code"]]
    assert set(RefreshToken.objects.values_list("pk", flat=True)) == {live["recently_expired"], live["recently_revoked"], live["token"]}
    assert set(Device.objects.values_list("pk", flat=True)) == {live["fresh_key"], live["confirmed_device"]}
    assert list(Session.objects.values_list("session_key", flat=True)) == live["sessions"]
    assert list(TriggerInvocation.objects.values_list("pk", flat=True)) == [live["invocation"]]
    assert list(AuthorizationCode.objects.values_list("pk", flat=True)) == [live["authorization_code"]]
    assert list(HostedSession.objects.values_list("pk", flat=True)) == [live["hosted_session"]]
    assert list(LimitCounter.objects.values_list("pk", flat=True)) == [live["limit_counter"]]
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == live["messages"]


def test_the_command_deletes_only_what_expired(rows):
    out = StringIO()
    call_command("purgeexpired", "--batch-size", "1", stdout=out)  # batches of one: the loop runs to the end
    _assert_only_live_rows_remain(rows)
    assert "codes: 1 deleted" in out.getvalue()
    assert "refresh_tokens: 2 deleted" in out.getvalue()
    assert "device_keys: 1 deleted" in out.getvalue()
    assert "sessions: 1 deleted" in out.getvalue()
    assert "trigger_records: 1 deleted" in out.getvalue()
    assert "hosted_sessions: 2 deleted" in out.getvalue()
    assert "failed_messages: 1 deleted" in out.getvalue()


def test_the_beat_task_purges_the_same(rows):
    tasks.purge_expired.delay()  # eager without a broker, as in the test settings
    _assert_only_live_rows_remain(rows)


def test_the_beat_schedule_names_the_task():
    from config.celery import app

    assert app.conf.beat_schedule["purge-expired"]["task"] == tasks.purge_expired.name
    assert tasks.purge_expired.name in app.tasks


def test_a_bad_batch_size_is_refused():
    with pytest.raises(CommandError):
        call_command("purgeexpired", "--batch-size", "0")
