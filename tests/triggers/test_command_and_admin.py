"""`manage.py invoketrigger` and the admin pages for invocations and plugins."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from core.errors import UserLambdaValidationException
from triggers import registry, runner
from triggers.models import TriggerInvocation

from .support import PLUGINS, arn, make_pool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def plugins():
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=1, TRIGGER_ATTEMPTS=1):
        yield


def run(*args) -> str:
    out = StringIO()
    call_command("invoketrigger", *args, stdout=out)
    return out.getvalue()


def test_command_runs_a_whole_sample_event(tmp_path):
    pool = make_pool(PreSignUp=arn("context_probe"))
    sample = {
        "version": "1", "triggerSource": "PreSignUp_SignUp", "region": "us-east-1", "userPoolId": "ignored",
        "userName": "sample-user", "callerContext": {"awsSdkVersion": "x", "clientId": "sample-client"},
        "request": {"userAttributes": {"email": "s@example.com"}}, "response": {"autoConfirmUser": False},
    }
    (tmp_path / "event.json").write_text(json.dumps(sample))
    printed = json.loads(run(pool.id, "PreSignUp_SignUp", "--event", str(tmp_path / "event.json")))
    assert printed["autoConfirmUser"] is False
    assert printed["context"]["function_name"] == "context_probe"
    row = TriggerInvocation.objects.get()
    assert (row.pool_id, row.trigger_source, row.outcome) == (pool.id, "PreSignUp_SignUp", "SUCCESS")


def test_command_takes_a_bare_request_and_overrides(tmp_path, monkeypatch):
    pool = make_pool(PostConfirmation=arn("echo"))
    seen = {}
    monkeypatch.setattr("tests.triggers.plugins.echo", lambda event, context: seen.update(event) or event)
    registry.reset()
    (tmp_path / "request.json").write_text(json.dumps({"userAttributes": {"sub": "1"}}))
    assert json.loads(run(pool.id, "PostConfirmation_ConfirmSignUp", "--event", str(tmp_path / "request.json"),
                          "--user-name", "bob", "--client-id", "abc")) == {}
    registry.reset()
    assert seen["userName"] == "bob"
    assert seen["callerContext"]["clientId"] == "abc"
    assert seen["request"] == {"userAttributes": {"sub": "1"}}


def test_command_reports_cognitos_error(tmp_path):
    pool = make_pool(PreSignUp=arn("reject"))
    (tmp_path / "e.json").write_text("{}")
    with pytest.raises(CommandError, match=r"^UserLambdaValidationException: PreSignUp failed with error Sign-ups"):
        run(pool.id, "PreSignUp_SignUp", "--event", str(tmp_path / "e.json"))


def test_command_refuses_unknown_pool_unconfigured_trigger_and_bad_json(tmp_path):
    pool = make_pool()
    (tmp_path / "e.json").write_text("[1, 2]")
    with pytest.raises(CommandError, match="does not exist"):
        run("us-east-1_missing00", "PreSignUp_SignUp", "--event", str(tmp_path / "e.json"))
    with pytest.raises(CommandError, match="has no function for PreSignUp"):
        run(pool.id, "PreSignUp_SignUp", "--event", str(tmp_path / "e.json"))
    pool = make_pool(PreSignUp=arn("echo"))
    with pytest.raises(CommandError, match="must be a JSON object"):
        run(pool.id, "PreSignUp_SignUp", "--event", str(tmp_path / "e.json"))
    with pytest.raises(CommandError, match="Cannot read the event"):
        run(pool.id, "PreSignUp_SignUp", "--event", str(tmp_path / "missing.json"))


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def test_admin_lists_invocations_and_plugins(admin_client):
    pool = make_pool(PreSignUp=arn("reject"))
    with pytest.raises(UserLambdaValidationException):
        runner.invoke(pool, "PreSignUp_SignUp", {}, user_name="alice")
    row = TriggerInvocation.objects.get()
    page = admin_client.get(reverse("admin:triggers_triggerinvocation_changelist"))
    assert page.status_code == 200
    assert pool.id in page.content.decode() and "HANDLER_ERROR" in page.content.decode()
    detail = admin_client.get(reverse("admin:triggers_triggerinvocation_change", args=[row.pk]))
    assert detail.status_code == 200 and "Sign-ups from this domain are not allowed" in detail.content.decode()
    filtered = admin_client.get(reverse("admin:triggers_triggerinvocation_changelist"), {"q": "us-east-1_nomatch00"})
    assert pool.id not in filtered.content.decode()

    plugins = admin_client.get(reverse("admin:triggers_plugins"))
    assert plugins.status_code == 200
    body = plugins.content.decode()
    assert "tests.triggers.plugins:auto_confirm" in body and "TRIGGER_PLUGINS" in body


def test_admin_plugins_page_shows_a_configuration_error(admin_client):
    with override_settings(TRIGGER_PLUGINS="broken"):
        page = admin_client.get(reverse("admin:triggers_plugins"))
    assert page.status_code == 200
    assert "expected name=value" in page.content.decode()


def test_invocations_cannot_be_added_or_edited(admin_client):
    assert admin_client.get(reverse("admin:triggers_triggerinvocation_add")).status_code == 403


def test_the_readme_example(tmp_path):
    pool = make_pool(PreSignUp="arn:aws:lambda:us-east-1:000000000000:function:readme_presignup")
    event = tmp_path / "event.json"
    event.write_text('{"userName": "alice", "request": {"userAttributes": {"email": "alice@example.com"}}}')
    assert json.loads(run(pool.id, "PreSignUp_SignUp", "--event", str(event))) == {
        "autoConfirmUser": True, "autoVerifyEmail": True,
    }
    event.write_text('{"userName": "bob", "request": {"userAttributes": {"email": "bob@elsewhere.org"}}}')
    with pytest.raises(CommandError) as excinfo:
        run(pool.id, "PreSignUp_SignUp", "--event", str(event))
    assert str(excinfo.value) == (
        "UserLambdaValidationException: PreSignUp failed with error Only example.com addresses may sign up."
    )
