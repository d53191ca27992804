"""The TOTP back-off lives on the authenticator row: losing the cache (a Redis flush or restart)
does not give a guesser a fresh start."""
import pytest
from botocore.exceptions import ClientError
from django.core.cache import cache

from tests.conftest import error_code
from tests.userpools.signin_support import _fresh_throttle_counters, fake_clock, make_client, sign_in  # noqa: F401
from tests.userpools.test_totp_mfa import answer, code, configure_mfa, enrol
from userpools.models import SoftwareToken

pytestmark = pytest.mark.django_db(transaction=True)


def test_back_off_survives_a_cache_flush(idp, unsigned_idp, pool_id, fake_clock):
    client_id = make_client(idp, pool_id)["ClientId"]
    configure_mfa(idp, pool_id, "OPTIONAL", totp=True)
    secret = enrol(idp, unsigned_idp, pool_id, client_id, fake_clock)
    wrong = "000000" if code(secret, fake_clock) != "000000" else "111111"
    challenge = sign_in(unsigned_idp, client_id)
    for _ in range(4):  # three free failures, then a fourth that starts a two-second wait
        fake_clock.advance(seconds=1)
        with pytest.raises(ClientError):
            answer(unsigned_idp, client_id, challenge, wrong)
    row = SoftwareToken.objects.get(user__username="alice")
    assert row.failed_attempts == 4 and row.last_failed_at == fake_clock.now()
    cache.clear()
    with pytest.raises(ClientError) as excinfo:  # even the right code waits, cache or no cache
        answer(unsigned_idp, client_id, sign_in(unsigned_idp, client_id), code(secret, fake_clock))
    assert error_code(excinfo) == "LimitExceededException"
    fake_clock.advance(seconds=2)
    assert "AuthenticationResult" in answer(unsigned_idp, client_id, sign_in(unsigned_idp, client_id), code(secret, fake_clock))
    row.refresh_from_db()
    assert row.failed_attempts == 0
