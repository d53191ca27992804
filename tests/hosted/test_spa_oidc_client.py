"""The "done when" of the hosted UI: a single-page app using oidc-client-ts (a standard browser
OIDC library), configured with nothing but the pool's issuer and its client id, signs a user in
with the authorization code flow and PKCE in Chromium. The app runs on its own origin, so
discovery and the code exchange go cross-origin, as a real SPA's do."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import screenshot
from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import PASSWORD, base, hosted_pool, make_user, oauth_client  # noqa: F401

JS_DIR = Path(__file__).resolve().parents[1] / "e2e" / "js"
LIBRARY = JS_DIR / "node_modules" / "oidc-client-ts" / "dist" / "browser" / "oidc-client-ts.min.js"

APP_PAGE = """<!doctype html><html><head><title>SPA</title><script src="/oidc-client-ts.min.js"></script></head>
<body><h1 id="status">starting</h1><script>
const settings = %(settings)s;
const manager = new oidc.UserManager(settings);
const status = document.getElementById("status");
if (location.pathname === "/callback") {
  manager.signinRedirectCallback().then(user => {
    status.textContent = "signed in as " + user.profile["cognito:username"];
    document.body.dataset.accessToken = user.access_token;
    document.body.dataset.scope = user.scope;
  }).catch(error => { status.textContent = "error: " + error.message; });
} else {
  manager.signinRedirect({state: {from: "home"}}).catch(error => { status.textContent = "error: " + error.message; });
}
</script></body></html>"""


@pytest.fixture(scope="session")
def oidc_library() -> Path:
    if not LIBRARY.is_file():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI") == "true":
                pytest.fail("npm is needed in CI to install tests/e2e/js")
            pytest.skip("npm is not installed")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, capture_output=True, timeout=300)
    return LIBRARY


def _spa(settings_for) -> ThreadingHTTPServer:
    """The app: its page (for / and /callback) and the library, on a loopback port of its own."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path.startswith("/oidc-client-ts.min.js"):
                body, kind = LIBRARY.read_bytes(), "text/javascript"
            elif self.path == "/" or self.path.startswith("/callback"):
                body, kind = (APP_PAGE % {"settings": json.dumps(settings_for(self.server))}).encode(), "text/html"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_oidc_client_ts_signs_in_with_code_and_pkce(idp, base, page, oidc_library):
    pool_id = hosted_pool(idp, name="SPA pool")
    make_user(idp, pool_id)
    holder: dict = {}
    server = _spa(lambda s: holder["settings"])
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        client = oauth_client(idp, pool_id, CallbackURLs=[f"{origin}/callback"], LogoutURLs=[f"{origin}/"])
        holder["settings"] = {"authority": f"{base}/{pool_id}", "client_id": client["ClientId"],
                              "redirect_uri": f"{origin}/callback", "response_type": "code", "scope": "openid email"}
        page.goto(f"{origin}/")
        page.wait_for_selector("input[name=username]")
        assert "code_challenge_method=S256" in page.url and "code_challenge=" in page.url
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        # The hosted page is still shown until the redirect lands: #status may not exist yet.
        page.wait_for_function("() => { const s = document.getElementById('status');"
                               " return s !== null && s.textContent !== 'starting'; }")
        assert page.locator("#status").inner_text() == "signed in as alice"
        assert page.evaluate("() => document.body.dataset.scope") == "openid email"
        screenshot(page, "hosted-spa-signed-in")
    finally:
        server.shutdown()
        server.server_close()
