"""config.wsgi hands the server a whole response as one bytes object, closed (its request_finished
sent) before it returns; a streaming response goes through untouched."""
from __future__ import annotations

import pytest
from django.core.signals import request_finished
from django.http import StreamingHttpResponse
from django.test import RequestFactory

from config import wsgi


def _environ(path: str) -> dict:
    return RequestFactory().get(path).environ


@pytest.mark.django_db
def test_a_whole_response_is_one_bytes_object_and_closed_before_it_is_returned():
    finished = []
    request_finished.connect(receiver := lambda **_: finished.append(True))
    statuses = []
    try:
        body = wsgi.application(_environ("/healthz"), lambda status, headers, exc_info=None: statuses.append(status))
    finally:
        request_finished.disconnect(receiver)
    assert isinstance(body, list) and len(body) == 1 and isinstance(body[0], bytes)
    assert statuses == ["200 OK"] and finished == [True]


def test_a_streaming_response_is_handed_over_as_it_is(monkeypatch):
    streamed = StreamingHttpResponse(iter([b"a", b"b"]))
    monkeypatch.setattr(wsgi, "django_application", lambda environ, start_response: streamed)
    assert wsgi.application(_environ("/anything"), lambda *args: None) is streamed
    streamed.close()
