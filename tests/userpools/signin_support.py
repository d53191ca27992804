"""Helpers shared by the sign-in tests: pools, clients and users ready to sign in, a movable clock."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from userpools.services.signin import clock

PASSWORD = "Correct#Horse1"
PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


class FakeClock:
    """Stands in for signin.clock.now; the live server runs in this process, so it sees it too."""

    def __init__(self) -> None:
        self.current = timezone.now()

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def make_client(idp, pool_id: str, **kwargs) -> dict:
    kwargs.setdefault("ExplicitAuthFlows", PASSWORD_FLOWS)
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **kwargs)["UserPoolClient"]


def make_user(idp, pool_id: str, username: str = "alice", password: str | None = PASSWORD, attributes: dict | None = None) -> None:
    """A user with a permanent password (CONFIRMED), or FORCE_CHANGE_PASSWORD when password is None."""
    user_attributes = [{"Name": k, "Value": v} for k, v in (attributes or {}).items()]
    idp.admin_create_user(
        UserPoolId=pool_id, Username=username, TemporaryPassword="Temp#Pass1", MessageAction="SUPPRESS", UserAttributes=user_attributes
    )
    if password is not None:
        idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def sign_in(idp, client_id: str, username: str = "alice", password: str = PASSWORD, **extra) -> dict:
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password, **extra})


def secret_hash(secret: str, username: str, client_id: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


def claims(jwt_token: str) -> dict:
    payload = jwt_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
