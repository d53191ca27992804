"""The time rules for user-pool tokens (pure)."""
from userpools.domain import token_times

NOW = 1_800_000_000


def ok(**claims) -> bool:
    return token_times.well_formed(claims, now=NOW, lifetime=3600, skew=60)


def test_a_token_within_its_lifetime_and_the_skew_is_well_formed():
    assert ok(iat=NOW, exp=NOW + 3600)
    assert ok(iat=NOW + 60, exp=NOW + 3660, nbf=NOW + 60)
    assert ok(iat=NOW - 100, exp=NOW + 3500 + 60)  # the allowance on exp is the skew


def test_refused_time_claims():
    assert not ok(iat=NOW, exp=NOW + 3600 + 61)
    assert not ok(iat=NOW, exp=NOW + 1_000_000_000)
    assert not ok(iat=NOW + 61, exp=NOW + 3600)
    assert not ok(iat=NOW, exp=NOW + 3600, nbf=NOW + 61)
    assert not ok(iat=NOW, exp=NOW)  # exp must follow iat
    assert not ok(iat=True, exp=NOW + 3600)
    assert not ok(iat=float(NOW), exp=NOW + 3600)
    assert not ok(exp=NOW + 3600)


def test_expired():
    assert token_times.expired({"exp": NOW}, now=NOW)
    assert not token_times.expired({"exp": NOW + 1}, now=NOW)
