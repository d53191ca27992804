"""Identity pools as a web-identity issuer for STS AssumeRoleWithWebIdentity (the basic flow):
tokens from GetOpenIdToken, provider `cognito-identity.amazonaws.com`, `aud` the identity pool,
`sub` the identity, `amr` how it signed in. Registered with iam from IdentityPoolsConfig.ready()."""
from __future__ import annotations

from iam.services.web_identity import WebIdentity, expired_token
from identitypools import keys
from identitypools.ids import COGNITO_IDENTITY


def verify_openid_token(token: str, header: dict) -> WebIdentity | None:
    """The identity of a token an identity pool issued; None if we did not sign it."""
    if not keys.is_ours(token):
        return None
    claims = keys.verify(token)
    if claims is None:
        raise expired_token()
    return WebIdentity(COGNITO_IDENTITY, str(claims.get("sub")), str(claims.get("aud")), claims)
