"""User pools as web-identity issuers for STS AssumeRoleWithWebIdentity: their ID tokens are
verified here, in-process with the pool's keys. Registered with iam from UserpoolsConfig.ready()."""
from __future__ import annotations

from core.errors import ExpiredTokenError, NotAuthorizedException
from iam.services.web_identity import WebIdentity, expired_token, invalid_token
from userpools import keys
from userpools.domain.claims import issuer
from userpools.services import tokens


def verify_id_token(token: str, header: dict) -> WebIdentity | None:
    """The identity an ID token of one of our pools speaks for; None if no pool of ours signed it.
    The provider name is the pool's issuer without its scheme."""
    kid = header.get("kid")
    if not isinstance(kid, str) or keys.verification_key(kid) is None:
        return None  # another issuer's token
    signed = tokens.signed_claims(token)  # verified as our own APIs verify it (and remembered)
    if signed is None:
        raise invalid_token()
    claims, pool_id = signed
    try:  # the same rules as our own APIs apply: issuer, existing client, lifetimes, skew
        tokens.checked_claims(claims, pool_id, "id")
    except ExpiredTokenError:
        raise expired_token() from None
    except NotAuthorizedException:
        raise invalid_token() from None
    iss = issuer(pool_id)
    return WebIdentity(iss.split("://", 1)[-1], str(claims.get("sub")), str(claims.get("aud")), claims)
