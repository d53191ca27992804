"""The built-in HTTP plugin against a small real HTTP server."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.errors import InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException
from triggers import registry, runner
from triggers.models import TriggerInvocation
from triggers.plugins import http

from .support import arn, make_pool

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "shared-secret"


class Endpoint(BaseHTTPRequestHandler):
    received: list[tuple[str, dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Endpoint.received.append((self.path, dict(self.headers), body))
        event = json.loads(body)
        if self.path == "/confirm":
            event["response"]["autoConfirmUser"] = True
            self._answer(200, json.dumps(event).encode())
        elif self.path == "/deny":
            self._answer(400, json.dumps({"errorMessage": "Domain not allowed", "errorType": "Error"}).encode())
        elif self.path == "/crash":
            self._answer(500, b"stack trace here")
        else:
            self._answer(200, b"<html>not json</html>")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Endpoint.received = []
    base = f"http://127.0.0.1:{server.server_address[1]}"
    names = {"confirm": "/confirm", "deny": "/deny", "crash": "/crash", "html": "/html"}
    endpoints = ",".join(f"{name}={base}{path}" for name, path in names.items())
    with override_settings(
        TRIGGER_HTTP_ENDPOINTS=endpoints + ",down=http://127.0.0.1:9/hook",
        TRIGGER_HTTP_SECRET=SECRET, TRIGGER_TIMEOUT_SECONDS=2, TRIGGER_ATTEMPTS=2,
    ):
        yield
    server.shutdown()
    server.server_close()


def sign_up(pool):
    return runner.invoke(pool, "PreSignUp_SignUp", {"userAttributes": {"email": "a@example.com"}}, user_name="alice")


def test_endpoint_answer_is_the_response_and_the_call_is_signed(endpoint):
    pool = make_pool(PreSignUp=arn("confirm"))
    assert sign_up(pool) == {"autoConfirmUser": True}
    path, headers, body = Endpoint.received[0]
    assert json.loads(body)["triggerSource"] == "PreSignUp_SignUp"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Trigger-Source"] == "PreSignUp_SignUp"
    timestamp = headers["X-Trigger-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Trigger-Signature"] == f"sha256={expected}"
    assert http.verify_signature(SECRET, timestamp, headers["X-Trigger-Signature"], body)


def test_a_replayed_or_altered_call_fails_verification(endpoint):
    sign_up(make_pool(PreSignUp=arn("confirm")))
    _, headers, body = Endpoint.received[0]
    timestamp, signature = headers["X-Trigger-Timestamp"], headers["X-Trigger-Signature"]
    assert not http.verify_signature(SECRET, timestamp, signature, body, now=int(timestamp) + 301)  # replayed later
    assert not http.verify_signature(SECRET, str(int(timestamp) + 1), signature, body)  # timestamp moved
    assert not http.verify_signature(SECRET, timestamp, signature, body + b" ")  # body altered
    assert not http.verify_signature("other-secret", timestamp, signature, body)


@pytest.mark.parametrize("url", ["http://hooks.example.com/x", "http://10.0.0.1/x", "ftp://127.0.0.1/x"])
def test_plain_http_endpoints_are_refused_outside_loopback(url):
    with override_settings(TRIGGER_HTTP_ENDPOINTS=f"hook={url}"), pytest.raises(ImproperlyConfigured):
        registry.plugins()


@pytest.mark.parametrize("url", ["https://hooks.example.com/x", "http://127.0.0.2:8080/x", "http://localhost/x", "http://[::1]:9/x"])
def test_https_anywhere_and_http_on_loopback_are_accepted(url):
    with override_settings(TRIGGER_HTTP_ENDPOINTS=f"hook={url}"):
        assert registry.plugins()["hook"].target == url


def test_endpoint_error_message_is_the_validation_error(endpoint):
    pool = make_pool(PreSignUp=arn("deny"))
    with pytest.raises(UserLambdaValidationException) as excinfo:
        sign_up(pool)
    assert excinfo.value.message == "PreSignUp failed with error Domain not allowed."
    pool = make_pool(PreSignUp=arn("crash"))
    with pytest.raises(UserLambdaValidationException) as excinfo:
        sign_up(pool)
    assert excinfo.value.message == "PreSignUp failed with error stack trace here."


def test_endpoint_not_json_is_invalid_response(endpoint):
    pool = make_pool(PreSignUp=arn("html"))
    with pytest.raises(InvalidLambdaResponseException):
        sign_up(pool)


def test_unreachable_endpoint_is_retried_then_unexpected(endpoint):
    pool = make_pool(PreSignUp=arn("down"))
    with pytest.raises(UnexpectedLambdaException) as excinfo:
        sign_up(pool)
    assert excinfo.value.message.startswith("PreSignUp invocation failed due to error URLError")
    assert [row.outcome for row in TriggerInvocation.objects.order_by("attempt")] == ["FAILED", "FAILED"]
