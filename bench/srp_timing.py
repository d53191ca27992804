"""A timed USER_SRP_AUTH sign-in for the benchmarks (needs requirements-dev.txt: pycognito, gmpy2).

`available` says whether the SRP rows can be measured here."""

from __future__ import annotations

import time

try:
    import gmpy2
    from pycognito import aws_srp
except ImportError:  # the SRP rows need requirements-dev.txt
    aws_srp = None
else:
    # pycognito does its client maths with the builtin pow; GMP keeps the client's share small
    # (it is not timed, but it shares the cores with the server being measured).
    aws_srp.pow = lambda base, exponent, modulus: int(gmpy2.powmod(base, exponent, modulus))

available = aws_srp is not None


def timed_srp_sign_in(public, pool_id: str, client_id: str, username: str, password: str) -> float:
    """InitiateAuth(USER_SRP_AUTH) + RespondToAuthChallenge(PASSWORD_VERIFIER): the seconds spent
    waiting for the server, without the client's own SRP maths between the two calls."""
    srp = aws_srp.AWSSRP(username, password, pool_id, client_id, client=public)
    params = srp.get_auth_params()
    started = time.perf_counter()
    challenge = public.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    server = time.perf_counter() - started
    responses = srp.process_challenge(challenge["ChallengeParameters"], params)
    started = time.perf_counter()
    result = public.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses)
    assert "AuthenticationResult" in result
    return server + time.perf_counter() - started
