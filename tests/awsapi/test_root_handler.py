"""`POST /` from the WSGI server goes to awsapi.fronts.root.RootHandler, not Django's handler: it
must answer exactly as Django's handler does, and run every request signal receiver but the three
it skips as no-ops for this path."""
from __future__ import annotations

import io
import json
import re
import sys

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler

from awsapi.fronts.root import RootHandler
from tests.awsapi import wire

pytestmark = pytest.mark.django_db(transaction=True)  # the handler tidies connections as a server's request does


def _environ(model_name: str, name: str, params: dict, signed: bool = True) -> dict:
    op = wire.operation(model_name, name)
    body, headers = wire.encode(op, params)
    headers = wire.sent_headers(op, body, headers, signed)
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "testserver",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "CONTENT_TYPE": headers["Content-Type"], "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), **wire.meta_headers(headers)}


def _answer(application, environ: dict) -> tuple[str, dict, bytes]:
    started = {}
    answer = application(dict(environ, **{"wsgi.input": io.BytesIO(environ["wsgi.input"].getvalue())}),
                         lambda status, headers: started.update(status=status, headers=headers))
    try:
        body = b"".join(answer)
    finally:
        if hasattr(answer, "close"):
            answer.close()  # as a WSGI server does: Django's handler ends the request there (request_finished)
    headers = dict(started["headers"])
    request_id = headers.pop("x-amzn-RequestId", None)  # none on a 500 that escaped every layer, as with Django's
    return started["status"], headers, body.replace(request_id.encode(), b"<id>") if request_id else body  # the query protocol's XML names it


def test_it_answers_as_djangos_handler_does():
    from config.wsgi import application

    pool_id = wire.ok("cognito-idp", "CreateUserPool", {"PoolName": "root"})["UserPool"]["Id"]
    calls = [
        _environ("cognito-idp", "DescribeUserPool", {"UserPoolId": pool_id}),
        _environ("cognito-idp", "InitiateAuth", {"ClientId": "nope", "AuthFlow": "USER_PASSWORD_AUTH"}, signed=False),
        _environ("cognito-idp", "DescribeUserPool", {"UserPoolId": pool_id}, signed=False),
        _environ("sts", "GetCallerIdentity", {}),
        dict(_environ("cognito-idp", "ListUsers", {"UserPoolId": pool_id}), HTTP_X_AMZ_TARGET="Nothing.Here"),
    ]
    for environ in calls:
        ours, djangos = _answer(application, environ), _answer(WSGIHandler(), environ)
        assert ours == djangos
    statuses = [_answer(application, environ)[0] for environ in calls]
    assert statuses == ["200 OK", "400 Bad Request", "400 Bad Request", "200 OK", "400 Bad Request"]
    assert json.loads(_answer(application, calls[0])[2])["UserPool"]["Id"] == pool_id


def test_every_request_signal_receiver_runs_but_the_three_skipped():
    handler = RootHandler()
    environ = _environ("cognito-idp", "InitiateAuth", {"ClientId": "nope", "AuthFlow": "USER_PASSWORD_AUTH"}, signed=False)
    connected = {f"{receiver.__module__}.{receiver.__qualname__}" for signal in (signals.request_started, signals.request_finished)
                 for receiver in signal._live_receivers(RootHandler)[0]}
    assert RootHandler.SKIPPED <= connected  # still Django's names: else they would run (slower, not wrong)
    seen = []

    def started(environ=None, **_):
        seen.append(("started", environ["PATH_INFO"]))

    def finished(**_):
        seen.append(("finished",))

    _answer(handler, environ)  # the lists are made before the receivers below are connected: made again after
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        _answer(handler, environ)
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    _answer(handler, environ)
    assert seen == [("started", "/"), ("finished",)]


def test_an_escaped_exception_is_djangos_500(monkeypatch):
    import awsapi.fronts.root as root

    def broken(request):
        raise RuntimeError("a defect")

    monkeypatch.setattr(root, "aws_endpoint", broken)
    environ = _environ("cognito-idp", "InitiateAuth", {}, signed=False)
    status, headers, body = _answer(RootHandler(), environ)
    assert (status, headers, body) == _answer(WSGIHandler(), environ)
    assert status == "500 Internal Server Error" and not re.search(rb"a defect|Traceback", body)
