"""Helpers for the hosted-UI tests: a pool with a domain, OAuth clients, and a browser-like
`requests` session that follows the hosted pages (CSRF token included) without following the
final redirect to the client's callback."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache

PASSWORD = "Correct#Horse1"
CALLBACK = "http://localhost:9799/callback"
LOGOUT = "http://localhost:9799/signed-out"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base(settings, live_server) -> str:
    """The issuer and hosted UI name the live server."""
    settings.PUBLIC_URL = live_server.url
    return live_server.url


def hosted_pool(idp, name: str = "hosted", **pool_args) -> str:
    pool_id = idp.create_user_pool(PoolName=name, **pool_args)["UserPool"]["Id"]
    # Hex digits cannot spell the reserved words (aws, amazon, cognito) that a random pool id can.
    unique = hashlib.sha256(pool_id.encode()).hexdigest()[:12]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=f"login-{unique}")
    return pool_id


def oauth_client(idp, pool_id: str, *, flows=("code",), scopes=("openid", "email", "profile", "aws.cognito.signin.user.admin"),
                 secret: bool = False, **extra) -> dict:
    args = {
        "UserPoolId": pool_id, "ClientName": "web", "GenerateSecret": secret, "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": list(flows), "AllowedOAuthScopes": list(scopes), "SupportedIdentityProviders": ["COGNITO"],
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
    }
    if "client_credentials" not in flows:
        args.update(CallbackURLs=[CALLBACK], LogoutURLs=[LOGOUT])
    args.update(extra)
    return idp.create_user_pool_client(**args)["UserPoolClient"]


def make_user(idp, pool_id: str, username: str = "alice", *, password: str | None = PASSWORD, email: str = "alice@example.com") -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword="Temp#Pass1", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
    if password is not None:
        idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Browser:
    """A cookie-keeping HTTP client that submits the hosted forms like a person would."""

    def __init__(self, base_url: str, *, stop_at: str = ""):
        self.base = base_url
        self.http = requests.Session()
        self.page: requests.Response | None = None
        self.stop_at = stop_at  # a path whose redirects are not followed either (a link to hand to another browser)

    def get(self, url: str, **params) -> requests.Response:
        """GET, following redirects within the server, stopping at one that leaves it (the callback)."""
        response = self.http.get(urljoin(self.base, url), params=params or None, allow_redirects=False)
        return self._follow(response)

    def _follow(self, response: requests.Response) -> requests.Response:
        while response.is_redirect and self._within(urljoin(response.url, response.headers["Location"])):
            response = self.http.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False)
        self.page = response
        return response

    def _within(self, url: str) -> bool:
        return url.startswith(self.base) and not (self.stop_at and urlsplit(url).path.endswith(self.stop_at))

    def submit(self, via: str = "", **fields) -> requests.Response:
        """Fill the page's first form (or the first whose action contains `via`) with `fields` and
        post it, with its hidden fields and CSRF token."""
        assert self.page is not None
        html = self.page.text
        forms = re.finditer(r'<form method="post" action="([^"]*)"(.*?)</form>', html, re.S)
        form = next((found for found in forms if via in found.group(1)), None)
        assert form, html
        data = {unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2))}
        data.update(fields)
        response = self.http.post(urljoin(self.page.url, unescape(form.group(1))), data=data, allow_redirects=False,
                                  headers={"Referer": self.page.url})
        return self._follow(response)

    def sign_in(self, pool_id: str, client_id: str, username: str = "alice", password: str = PASSWORD, **params) -> requests.Response:
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, **params}
        page = self.get(f"/{pool_id}/oauth2/authorize", **params)
        if page.is_redirect:  # signed in already (SSO)
            return page
        return self.submit(username=username, password=password)


def callback_params(response: requests.Response) -> dict[str, str]:
    """The query (or fragment) parameters of a redirect to the client's callback."""
    assert response.is_redirect, response.text[:2000]
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" in (CALLBACK, LOGOUT), location
    values = parse_qs(location.fragment or location.query)
    return {key: value[0] for key, value in values.items()}


LANDED = "<!doctype html><title>Signed in</title><h1>Back at the app</h1>"


class _App(BaseHTTPRequestHandler):
    """The client app's callback: answers a page and keeps the paths it was called with."""

    seen: list[str]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        body = LANDED.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def app():
    """The client app on a loopback port for browser tests (`app.callback`, `app.seen`). A real
    server rather than `page.route`: Chromium does not hand a redirect that follows a cross-site
    POST (a SAML assertion) to Playwright's interception, so a routed callback would be refused."""
    handler = type("App", (_App,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.callback = f"http://127.0.0.1:{server.server_address[1]}/callback"
    server.seen = handler.seen
    yield server
    server.shutdown()
    server.server_close()
