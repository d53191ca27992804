"""The hosted pages over HTTP: wrong passwords and hidden user existence, new password, TOTP
enrolment with a QR code, TOTP and email MFA codes, sign-up with the pool's required attributes
and its confirmation code, and the forgotten-password reset."""
from __future__ import annotations

import re
import time

from tests.conftest import idp  # noqa: F401 (fixture)
from tests.hosted.support import (  # noqa: F401
    PASSWORD,
    Browser,
    base,
    callback_params,
    hosted_pool,
    make_user,
    oauth_client,
)
from tests.userpools.mailbox import mailbox  # noqa: F401 (fixture)
from tests.userpools.mfa_support import configure_mfa, rfc6238


def test_wrong_password_and_unknown_user_as_the_api_says(idp, base):
    pool_id = hosted_pool(idp)
    open_client = oauth_client(idp, pool_id, PreventUserExistenceErrors="LEGACY")
    hiding = oauth_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id)
    browser = Browser(base)
    wrong = browser.sign_in(pool_id, open_client["ClientId"], password="Wrong#Pass1")
    assert wrong.status_code == 400 and "Incorrect username or password." in wrong.text
    assert 'value="alice"' in wrong.text  # the name is kept, the password is not
    assert "User does not exist." in browser.sign_in(pool_id, open_client["ClientId"], username="nobody").text
    hidden = browser.sign_in(pool_id, hiding["ClientId"], username="nobody")
    assert "Incorrect username or password." in hidden.text and "does not exist" not in hidden.text


def test_new_password_page(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id, password=None)
    browser = Browser(base)
    page = browser.sign_in(pool_id, client["ClientId"], password="Temp#Pass1")
    assert page.status_code == 200 and 'name="new_password"' in page.text
    weak = browser.submit(new_password="short")
    assert weak.status_code == 400 and "Password" in weak.text and 'name="new_password"' in weak.text
    done = browser.submit(new_password="Brand#New#Pass1")
    assert "code" in callback_params(done)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"


def _secret_on(page_html: str) -> str:
    return re.search(r'<span class="secret"[^>]*>([A-Z2-7]+)</span>', page_html).group(1)


def _qr_on(page_html: str) -> str:
    return re.search(r'<div class="qr">(.*?)</div>', page_html, re.S).group(1)


def test_totp_enrolment_then_totp_code(idp, base):
    pool_id = hosted_pool(idp)
    configure_mfa(idp, pool_id, "ON", totp=True)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    enrolment = browser.sign_in(pool_id, client["ClientId"])
    assert enrolment.status_code == 200 and "<svg" in enrolment.text and 'name="code"' in enrolment.text
    secret = _secret_on(enrolment.text)
    wrong_code = "000000" if rfc6238(secret, time.time()) != "000000" else "111111"
    # A wrong code shows the same secret and QR code again (the app already has them), with the error.
    for _ in range(2):
        wrong = browser.submit(code=wrong_code)
        assert wrong.status_code == 400 and "Code mismatch" in wrong.text
        assert _secret_on(wrong.text) == secret and _qr_on(wrong.text) == _qr_on(enrolment.text)
    assert "code" in callback_params(browser.submit(code=rfc6238(secret, time.time())))
    # The next sign-in asks for the app's code (a later time step: each is good once).
    later = Browser(base)
    page = later.sign_in(pool_id, client["ClientId"])
    assert 'name="code"' in page.text and "authenticator app" in page.text
    assert "code" in callback_params(later.submit(code=rfc6238(secret, time.time() + 30)))


def test_email_mfa_code(idp, base, mailbox):
    pool_id = hosted_pool(idp)
    configure_mfa(idp, pool_id, "OPTIONAL", email=True)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", EmailMfaSettings={"Enabled": True})
    browser = Browser(base)
    page = browser.sign_in(pool_id, client["ClientId"])
    assert 'name="code"' in page.text and "a***@e***" in page.text
    bad = browser.submit(code="000000")
    assert bad.status_code == 400 and 'name="code"' in bad.text
    assert "code" in callback_params(browser.submit(code=mailbox.last_code("alice@example.com")))


def test_sign_up_asks_for_required_attributes_then_confirms(idp, base, mailbox):
    pool_id = hosted_pool(idp, AutoVerifiedAttributes=["email"],
                          Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
                                  {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    client = oauth_client(idp, pool_id)
    browser = Browser(base)
    form = browser.get(f"/{pool_id}/signup", response_type="code", client_id=client["ClientId"], redirect_uri="http://localhost:9799/callback")
    assert 'name="email"' in form.text and 'name="name"' in form.text
    missing = browser.submit(username="bob", password=PASSWORD, email="bob@example.com")
    assert missing.status_code == 400
    confirm = browser.submit(username="bob", password=PASSWORD, email="bob@example.com", name="Bob")
    assert 'name="code"' in confirm.text
    signed_in = browser.submit(code=mailbox.last_code("bob@example.com"))
    assert "confirmed" in signed_in.text
    assert "code" in callback_params(browser.submit(username="bob", password=PASSWORD))


def test_the_confirm_page_resends_the_code(idp, base, mailbox):
    pool_id = hosted_pool(idp, AutoVerifiedAttributes=["email"],
                          Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    client = oauth_client(idp, pool_id)
    browser = Browser(base)
    browser.get(f"/{pool_id}/signup", response_type="code", client_id=client["ClientId"], redirect_uri="http://localhost:9799/callback")
    browser.submit(username="cy", password=PASSWORD, email="cy@example.com")
    first = mailbox.last_code("cy@example.com")
    resent = browser.submit(via="/resendcode")
    assert resent.status_code == 200 and "We sent a new code" in resent.text and 'name="code"' in resent.text
    second = mailbox.last_code("cy@example.com")
    assert second != first
    assert browser.submit(code=first).status_code == 400  # the earlier code no longer works
    assert "confirmed" in browser.submit(code=second).text


def test_forgot_password_resets_it(idp, base, mailbox):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    browser.get(f"/{pool_id}/forgotPassword", response_type="code", client_id=client["ClientId"], redirect_uri="http://localhost:9799/callback")
    reset = browser.submit(username="alice")
    assert 'name="new_password"' in reset.text
    wrong = browser.submit(code="000000", new_password="Another#Pass1")
    assert wrong.status_code == 400
    done = browser.submit(code=mailbox.last_code("alice@example.com"), new_password="Another#Pass1")
    assert "password was changed" in done.text
    assert "code" in callback_params(browser.submit(username="alice", password="Another#Pass1"))


def test_lockout_applies_to_the_hosted_form(idp, base):
    pool_id = hosted_pool(idp)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    browser = Browser(base)
    messages = [browser.sign_in(pool_id, client["ClientId"], password="Wrong#Pass1").text for _ in range(6)]
    assert any("Password attempts exceeded" in text for text in messages)


def test_pools_signing_in_by_email_ask_for_the_email(idp, base):
    pool_id = hosted_pool(idp, UsernameAttributes=["email"])
    client = oauth_client(idp, pool_id)
    idp.admin_create_user(UserPoolId=pool_id, Username="carol@example.com", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="carol@example.com", Password=PASSWORD, Permanent=True)
    browser = Browser(base)
    page = browser.get(f"/{pool_id}/oauth2/authorize", response_type="code", client_id=client["ClientId"], redirect_uri="http://localhost:9799/callback")
    assert '<label class="label-customizable" for="username">Email</label>' in page.text
    assert "code" in callback_params(browser.submit(username="carol@example.com", password=PASSWORD))


def test_choosing_a_factor_then_its_code(idp, base, mailbox):
    pool_id = hosted_pool(idp)
    configure_mfa(idp, pool_id, "OPTIONAL", sms=True, email=True)
    client = oauth_client(idp, pool_id)
    make_user(idp, pool_id)
    idp.admin_update_user_attributes(UserPoolId=pool_id, Username="alice", UserAttributes=[
        {"Name": "phone_number", "Value": "+15555550100"}, {"Name": "phone_number_verified", "Value": "true"}])
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True},
                                      EmailMfaSettings={"Enabled": True})
    browser = Browser(base)
    choice = browser.sign_in(pool_id, client["ClientId"])
    assert 'name="answer"' in choice.text and "Email" in choice.text and "Text message" in choice.text
    wrong = browser.submit(answer="SOFTWARE_TOKEN_MFA")
    assert wrong.status_code == 400 and 'value="EMAIL_OTP"' in wrong.text  # the choices are offered again
    page = browser.submit(answer="EMAIL_OTP")
    assert 'name="code"' in page.text
    assert "code" in callback_params(browser.submit(code=mailbox.last_code("alice@example.com")))
