"""`/` goes straight to the AWS endpoint (awsapi.fronts.root): what the skipped layers would have
added is not needed there, and what the kept ones add is still there."""
from __future__ import annotations

import json

import pytest
import requests

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_sdk_call_is_answered_whole_and_without_the_admins_layers(live_server):
    response = requests.post(live_server.url + "/", data=json.dumps({"ClientId": "nope", "AuthFlow": "USER_PASSWORD_AUTH"}), headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    }, timeout=10)
    assert response.status_code == 400 and response.json()["__type"] == "ResourceNotFoundException"
    assert response.headers["Content-Length"] == str(len(response.content))
    assert response.headers["x-amzn-RequestId"]  # request_context, above the shortcut
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware, above it too
    assert "Set-Cookie" not in response.headers and "X-Frame-Options" not in response.headers


def test_other_paths_still_pass_every_layer(live_server):
    response = requests.get(live_server.url + "/admin/login/", timeout=10)
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY" and "csrftoken" in response.cookies


def test_the_log_line_of_an_error_answer_carries_its_request_id(client):
    """Django logs each 4xx/5xx answer; that line, like every other, names the request."""
    import logging

    from core.request_context import RequestIdFilter

    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = seen.append
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.post("/", data=json.dumps({"ClientId": "nope", "AuthFlow": "USER_PASSWORD_AUTH"}),
                               content_type="application/x-amz-json-1.1",
                               headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    assert [(record.levelname, record.request_id) for record in seen] == [("WARNING", response["x-amzn-RequestId"])]
