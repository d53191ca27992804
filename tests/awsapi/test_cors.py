"""CORS: browser pages on other origins call the public operations, as they do Cognito's."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.test import override_settings

from tests.browser import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TARGET = "AWSCognitoIdentityProviderService.InitiateAuth"


def _preflight(url: str, origin: str = "https://app.example"):
    return requests.options(url, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
    }, timeout=10)


def test_preflight_is_answered_as_cognito_does(live_server):
    response = _preflight(live_server.url + "/")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    allowed = response.headers["Access-Control-Allow-Headers"].split(",")
    assert {"content-type", "x-amz-target", "x-amz-user-agent"} <= set(allowed)
    assert response.headers["Access-Control-Max-Age"] == "172800"


def test_answers_and_errors_are_readable_cross_origin(live_server):
    response = requests.post(live_server.url + "/", data=json.dumps({"ClientId": "nope", "AuthFlow": "USER_PASSWORD_AUTH"}), headers={
        "Origin": "https://app.example", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET,
    }, timeout=10)
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-amzn-ErrorType" in response.headers["Access-Control-Expose-Headers"]


def test_jwks_is_readable_cross_origin(live_server):
    response = requests.get(live_server.url + "/identitypools/.well-known/jwks.json", headers={"Origin": "https://app.example"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example"])
def test_origins_can_be_narrowed(live_server):
    allowed = _preflight(live_server.url + "/")
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert allowed.headers["Vary"] == "Origin"
    refused = _preflight(live_server.url + "/", origin="https://evil.example")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


@override_settings(CORS_ALLOWED_ORIGINS=[])
def test_cors_can_be_turned_off(live_server):
    response = _preflight(live_server.url + "/")
    assert "Access-Control-Allow-Origin" not in response.headers


class _Page(BaseHTTPRequestHandler):
    """A page on another origin (another port), as a SPA's own server would serve it."""

    def do_GET(self):
        body = b"<!doctype html><title>SPA</title><h1>SPA</h1><pre id=out></pre>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_page_on_another_origin_signs_up_through_fetch(live_server, page, idp, pool_id):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")["UserPoolClient"]["ClientId"]
    spa = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=spa.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{spa.server_address[1]}/")
        answer = page.evaluate("""async ([url, clientId]) => {
            const response = await fetch(url, {method: "POST", headers: {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp",
                "X-Amz-User-Agent": "aws-amplify/6.0 js"},
                body: JSON.stringify({ClientId: clientId, Username: "browser-user", Password: "Passw0rd!Passw0rd"})});
            const text = await response.text();
            document.getElementById("out").textContent = text;
            return {status: response.status, body: JSON.parse(text)};
        }""", [live_server.url + "/", client_id])
        screenshot(page, "cors-signup-from-another-origin")
    finally:
        spa.shutdown()
    assert answer["status"] == 200, answer
    assert answer["body"]["UserConfirmed"] is False
    assert idp.admin_get_user(UserPoolId=pool_id, Username="browser-user")["Username"] == "browser-user"
