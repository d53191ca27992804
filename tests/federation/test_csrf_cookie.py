"""The csrf-state cookie's attributes: the SAML IdP's cross-site POST carries only a SameSite=None
cookie, which browsers keep only when Secure; over plain http the browser's default applies."""
from __future__ import annotations

import pytest
from django.http import HttpResponse

from userpools.federation import csrf_cookie, state
from userpools.models import UserPool

POOL = UserPool(id="us-east-1_Cookie1")
NAME = f"cognito_csrf_state_{POOL.pk}"


@pytest.mark.parametrize("https_request, public_url", [(True, "http://127.0.0.1:8000"), (False, "https://login.example.com")])
def test_over_https_it_is_samesite_none_and_secure(rf, settings, https_request, public_url):
    settings.PUBLIC_URL = public_url
    request = rf.get("/", secure=https_request)
    morsel = csrf_cookie.bind(request, HttpResponse(), POOL, "the-key").cookies[NAME]
    assert morsel.value == state.proof("the-key") and "the-key" not in morsel.value
    assert (morsel["samesite"], morsel["secure"], morsel["httponly"]) == ("None", True, True)
    assert morsel["path"] == f"/{POOL.pk}/" and morsel["max-age"] == state.LIFETIME_SECONDS
    cleared = csrf_cookie.clear(request, HttpResponse(), POOL).cookies[NAME]
    assert cleared["max-age"] == 0 and cleared["samesite"] == "None" and cleared["secure"] and cleared["path"] == f"/{POOL.pk}/"


def test_over_plain_http_the_browser_default_applies(rf, settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    morsel = csrf_cookie.bind(rf.get("/"), HttpResponse(), POOL, "the-key").cookies[NAME]
    assert (morsel["samesite"], morsel["secure"], morsel["httponly"]) == ("", "", True)  # SameSite=None without Secure would be dropped
