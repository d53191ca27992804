"""The hosted UI in a real browser (Chromium through Playwright): a keyboard-only sign-in lands on
the client's callback with a code that the token endpoint exchanges; the sign-up, new-password,
MFA and error pages render. Screenshots of each page are kept (tests/browser.py's ARTIFACTS)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.browser import screenshot
from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import CALLBACK, PASSWORD, app, base, hosted_pool, make_user, oauth_client, pkce_pair  # noqa: F401
from tests.userpools.mfa_support import configure_mfa


def _authorize_url(base_url: str, pool_id: str, client_id: str, callback: str = CALLBACK, **extra) -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": callback, "scope": "openid email", "state": "st", **extra}
    return f"{base_url}/{pool_id}/oauth2/authorize?{urlencode(params)}"


def test_keyboard_sign_in_lands_on_the_callback_with_a_code(idp, base, page, app):
    pool_id = hosted_pool(idp, name="Example Shop")
    client = oauth_client(idp, pool_id, CallbackURLs=[app.callback])
    make_user(idp, pool_id)
    verifier, challenge = pkce_pair()
    page.goto(_authorize_url(base, pool_id, client["ClientId"], app.callback, code_challenge=challenge, code_challenge_method="S256"))
    assert page.locator("input[name=username]").is_visible() and page.locator("input[name=password]").is_visible()
    assert page.evaluate("() => document.activeElement.name") == "username"  # focus starts on the first field
    screenshot(page, "hosted-sign-in")
    # Keyboard only: wrong password first, then the right one.
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "password"
    page.keyboard.type("Wrong#Pass1")
    page.keyboard.press("Enter")
    page.wait_for_selector(".errorMessage-customizable")
    assert "Incorrect username or password." in page.locator("[role=alert]").inner_text()
    screenshot(page, "hosted-sign-in-error")
    page.locator("input[name=password]").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{app.callback}**")
    assert page.locator("h1").inner_text() == "Back at the app"
    query = parse_qs(urlsplit([path for path in app.seen if path.startswith("/callback")][-1]).query)
    assert query["state"] == ["st"]
    tokens = requests.post(f"{base}/{pool_id}/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": client["ClientId"], "code": query["code"][0],
        "redirect_uri": app.callback, "code_verifier": verifier}, timeout=10)
    assert tokens.status_code == 200 and "id_token" in tokens.json()


def test_sign_up_page_renders_required_attributes(idp, base, page):
    pool_id = hosted_pool(idp, name="Example Shop",
                          Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    client = oauth_client(idp, pool_id)
    page.goto(_authorize_url(base, pool_id, client["ClientId"]))
    page.get_by_role("link", name="Need an account? Sign up").click()
    assert page.get_by_label("Email").is_visible() and page.get_by_label("Password").is_visible()
    screenshot(page, "hosted-sign-up")


def test_new_password_and_totp_enrolment_pages(idp, base, page):
    pool_id = hosted_pool(idp, name="Example Shop")
    configure_mfa(idp, pool_id, "ON", totp=True)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id, password=None)
    page.goto(_authorize_url(base, pool_id, client["ClientId"]))
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "Temp#Pass1")
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=new_password]")
    screenshot(page, "hosted-new-password")
    page.fill("input[name=new_password]", "Brand#New#Pass1")
    page.click("button[type=submit]")
    page.wait_for_selector("svg")
    assert page.locator("input[name=code]").is_visible()
    screenshot(page, "hosted-mfa-totp-setup")


def test_mobile_width_and_customized_look(idp, base, browser):
    pool_id = hosted_pool(idp, name="Example Shop")
    client = oauth_client(idp, pool_id)
    idp.set_ui_customization(UserPoolId=pool_id, CSS=".submitButton-customizable { background-color: rgb(200, 30, 30); }")
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(_authorize_url(base, pool_id, client["ClientId"]))
    button = page.locator("button[type=submit]")
    assert page.evaluate("() => getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor") == "rgb(200, 30, 30)"
    assert button.bounding_box()["width"] > 300  # the form fills a phone's width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    screenshot(page, "hosted-sign-in-mobile-customized")
    context.close()


def test_error_page(idp, base, page):
    pool_id = hosted_pool(idp, name="Example Shop")
    page.goto(f"{base}/{pool_id}/oauth2/authorize?response_type=code&client_id=nosuchclient&redirect_uri={CALLBACK}")
    assert "invalid client_id" in page.locator("[role=alert]").inner_text()
    screenshot(page, "hosted-error")
