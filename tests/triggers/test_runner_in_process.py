"""The in-process runner (no broker): Cognito's envelope, results, errors, timeouts and records."""
from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.test import override_settings

from core.errors import InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException
from triggers import records, runner
from triggers.models import TriggerInvocation
from userpools.models import Group

from .support import PLUGINS, arn, make_pool

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("plugins"),
]


@pytest.fixture
def plugins():
    with override_settings(TRIGGER_PLUGINS=PLUGINS, TRIGGER_TIMEOUT_SECONDS=0.5, TRIGGER_ATTEMPTS=3):
        yield


def invoke(pool, source="PreSignUp_SignUp", request=None, **kwargs):
    kwargs.setdefault("user_name", "alice")
    return runner.invoke(pool, source, request or {"userAttributes": {"email": "a@example.com"}}, **kwargs)


def test_no_function_configured_returns_none_and_records_nothing():
    pool = make_pool(PostConfirmation=arn("echo"))
    assert invoke(pool) is None
    assert not TriggerInvocation.objects.exists()


def test_event_envelope_is_cognitos():
    pool = make_pool(PreSignUp=arn("echo"))
    seen = {}

    def capture(event, context):
        seen.update(event)
        return event

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tests.triggers.plugins.echo", capture)
        from triggers import registry

        registry.reset()
        response = invoke(pool, request={"userAttributes": {"email": "a@example.com"}, "validationData": None},
                          client_id="client123", response={"autoConfirmUser": False})
    registry.reset()
    assert response == {"autoConfirmUser": False}
    assert seen == {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": pool.id,
        "userName": "alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client123"},
        "request": {"userAttributes": {"email": "a@example.com"}, "validationData": None},
        "response": {"autoConfirmUser": False},
    }


def test_admin_calls_have_no_client():
    pool = make_pool(PreSignUp=arn("context_probe"))
    response = invoke(pool, "PreSignUp_AdminCreateUser")
    assert response["context"]["function_name"] == "context_probe"
    assert response["context"]["invoked_function_arn"] == arn("context_probe")
    assert 0 < response["context"]["remaining_ms"] <= 500
    assert len(response["context"]["aws_request_id"]) == 36


def test_handler_response_is_returned_and_recorded():
    pool = make_pool(PreSignUp=arn("auto_confirm", "prod"))  # an alias-qualified ARN names the same plugin
    assert invoke(pool) == {"autoConfirmUser": True}
    row = TriggerInvocation.objects.get()
    assert (row.pool_id, row.trigger_source, row.function_name) == (pool.id, "PreSignUp_SignUp", "auto_confirm")
    assert (row.outcome, row.attempt, row.synchronous, row.error) == ("SUCCESS", 1, True, "")
    assert row.duration_ms < 500


def test_token_generation_uses_pre_token_generation_and_its_version():
    pool = make_pool(
        PreTokenGeneration=arn("echo"),
        PreTokenGenerationConfig={"LambdaVersion": "V2_0", "LambdaArn": arn("context_probe")},
    )
    response = invoke(pool, "TokenGeneration_Authentication", {"userAttributes": {}, "groupConfiguration": {}})
    assert response["context"]["function_name"] == "context_probe"
    assert TriggerInvocation.objects.get().function_name == "context_probe"

    v1 = make_pool(PreTokenGeneration=arn("echo"))
    captured = runner.build_event(v1, runner.configured_function(v1, "PreTokenGeneration"), "TokenGeneration_RefreshTokens",
                                  {}, user_name="bob", client_id=None)
    assert captured["version"] == "1"
    v2 = runner.configured_function(pool, "PreTokenGeneration")
    assert v2.event_version == "2"


def test_custom_sender_arn_comes_from_its_versioned_member():
    pool = make_pool(CustomEmailSender={"LambdaVersion": "V1_0", "LambdaArn": arn("echo")})
    function = runner.configured_function(pool, "CustomEmailSender")
    assert (function.name, function.event_version) == ("echo", "1")


def test_plugin_exception_is_user_lambda_validation_exception():
    pool = make_pool(PreSignUp=arn("reject"))
    with pytest.raises(UserLambdaValidationException) as excinfo:
        invoke(pool)
    assert excinfo.value.message == "PreSignUp failed with error Sign-ups from this domain are not allowed."
    row = TriggerInvocation.objects.get()  # a handler error is an answer: no retry
    assert (row.outcome, row.error) == ("HANDLER_ERROR", "Sign-ups from this domain are not allowed")


@pytest.mark.parametrize(
    "plugin, message",
    [
        ("return_none", "Invalid lambda function output : Invalid JSON"),
        ("return_unserialisable", "Invalid lambda function output : Invalid JSON"),
        ("return_text", "Unrecognizable lambda output"),
        ("drop_response", "Unrecognizable lambda output"),
    ],
)
def test_garbage_is_invalid_lambda_response(plugin, message):
    pool = make_pool(CustomMessage=arn(plugin))
    with pytest.raises(InvalidLambdaResponseException) as excinfo:
        invoke(pool, "CustomMessage_SignUp")
    assert excinfo.value.message == message
    assert TriggerInvocation.objects.get().outcome == "INVALID_RESPONSE"


def test_slow_plugin_times_out_after_three_attempts(monkeypatch):
    monkeypatch.setenv("SLOW_PLUGIN_SECONDS", "2")
    pool = make_pool(UserMigration=arn("slow"))
    began = time.monotonic()
    with pytest.raises(UnexpectedLambdaException) as excinfo:
        invoke(pool, "UserMigration_Authentication", {"password": "x", "validationData": {}})
    elapsed = time.monotonic() - began
    assert excinfo.value.message == (
        "UserMigration invocation failed due to error Socket timeout while invoking Lambda function."
    )
    assert 1.5 <= elapsed < 2.5  # three attempts of 0.5 s each, not the plugin's 2 s each
    rows = list(TriggerInvocation.objects.order_by("attempt"))
    assert [(row.attempt, row.outcome) for row in rows] == [(1, "TIMEOUT"), (2, "TIMEOUT"), (3, "TIMEOUT")]
    assert all(450 <= row.duration_ms < 1000 for row in rows)


@override_settings(TRIGGER_ATTEMPTS=2)
def test_retries_stop_at_the_first_answer(tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(PostAuthentication=arn("count_calls"))
    # The counter file shows every call the runner made: an answer is never retried, a timeout is.
    invoke(pool, "PostAuthentication_Authentication", {"counterFile": str(counter), "sleep": 0})
    assert counter.read_text().splitlines() == ["PostAuthentication_Authentication"]
    with pytest.raises(UnexpectedLambdaException):
        invoke(pool, "PostAuthentication_Authentication", {"counterFile": str(counter), "sleep": 0.8})
    assert len(counter.read_text().splitlines()) == 3  # one earlier call + two timed-out attempts


def test_unknown_plugin_is_unexpected_lambda_exception():
    pool = make_pool(PreAuthentication=arn("nobody_registered_this"))
    with pytest.raises(UnexpectedLambdaException) as excinfo:
        invoke(pool, "PreAuthentication_Authentication")
    assert excinfo.value.message == "PreAuthentication invocation failed due to error ResourceNotFoundException."
    assert TriggerInvocation.objects.get().outcome == "FAILED"


def test_failure_rolls_back_the_operation_but_not_its_record():
    pool = make_pool(PreSignUp=arn("reject"))
    with pytest.raises(UserLambdaValidationException):
        with transaction.atomic():
            Group.objects.create(pool=pool, name="made-before-the-trigger")
            invoke(pool)
    records.flush()  # what the middleware does once the view returns
    assert not Group.objects.filter(pool=pool).exists()
    assert TriggerInvocation.objects.get().outcome == "HANDLER_ERROR"


def test_records_made_in_a_committed_transaction_are_written_on_commit():
    pool = make_pool(PreSignUp=arn("echo"))
    with transaction.atomic():
        invoke(pool)
        assert not TriggerInvocation.objects.exists()
    assert TriggerInvocation.objects.get().outcome == "SUCCESS"


def test_asynchronous_trigger_runs_after_commit_and_retries(tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(CustomSMSSender={"LambdaVersion": "V1_0", "LambdaArn": arn("flaky_async")})
    request = {"type": "customSMSSenderRequestV1", "code": "opaque", "counterFile": str(counter), "failUntil": 3}
    with transaction.atomic():
        assert invoke(pool, "CustomSMSSender_SignUp", request, synchronous=False) is None
        assert not counter.exists()  # nothing is sent before the operation commits
    assert len(counter.read_text().splitlines()) == 3
    rows = list(TriggerInvocation.objects.order_by("attempt"))
    assert [(row.attempt, row.synchronous, row.outcome) for row in rows] == [
        (1, False, "HANDLER_ERROR"), (2, False, "HANDLER_ERROR"), (3, False, "SUCCESS"),
    ]


def test_asynchronous_trigger_is_not_sent_when_the_operation_rolls_back(tmp_path):
    counter = tmp_path / "calls"
    pool = make_pool(CustomEmailSender={"LambdaVersion": "V1_0", "LambdaArn": arn("count_calls")})
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            invoke(pool, "CustomEmailSender_SignUp", {"counterFile": str(counter)}, synchronous=False)
            raise RuntimeError("the operation failed after asking for the message")
    assert not counter.exists()
    assert not TriggerInvocation.objects.exists()
