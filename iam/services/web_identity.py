"""AssumeRoleWithWebIdentity: an OIDC ID token from an issuer the account trusts.

Issuers: the ones this service runs itself (user pools, identity pools), which register a
verifier from their AppConfig.ready() (`register_issuer`; iam knows no app above it), and IAM OIDC
providers registered with CreateOpenIDConnectProvider. A user pool's provider name is its issuer
without the scheme; `cognito-idp.<region>.amazonaws.com/<pool id>` is accepted as an alias in
trust policies.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.conf import settings

from core import errors
from iam import errors as iam_errors
from iam.services import evaluation, oidc, sts
from iam.services.identity import ROLE


@dataclass(frozen=True)
class WebIdentity:
    provider: str  # issuer without scheme
    subject: str
    audience: str
    claims: dict


def invalid_token() -> iam_errors.InvalidIdentityToken:
    return iam_errors.InvalidIdentityToken(
        "The web identity token that was passed could not be validated by AWS. "
        "Get a new identity token from the identity provider and then retry the request."
    )


def _unverified(token: str) -> tuple[dict, dict]:
    """A JWT's protected header and claims, before any verification (to find who signed it)."""
    import base64
    import json

    from joserfc.errors import JoseError
    from joserfc.jws import extract_compact

    if token.count(".") != 2:
        raise invalid_token()
    try:
        header = extract_compact(token.encode()).protected
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (JoseError, ValueError, TypeError):
        raise invalid_token() from None
    if not isinstance(claims, dict):
        raise invalid_token()
    return header, claims


IssuerVerifier = Callable[[str, dict], "WebIdentity | None"]
_issuers: list[IssuerVerifier] = []


def register_issuer(verifier: IssuerVerifier) -> None:
    """Let an issuer this service runs verify its own tokens: `verifier(token, protected_header)`
    returns the WebIdentity, None when the token is not its own, or raises invalid/expired_token()."""
    if verifier not in _issuers:
        _issuers.append(verifier)


def expired_token() -> iam_errors.ExpiredWebIdentityToken:
    return iam_errors.ExpiredWebIdentityToken("Token expired: current date/time must be before the expiration date/time.")


def verify_token(token: str) -> WebIdentity:
    """The verified claims of an ID token signed by an issuer of this service or by the issuer of
    a registered IAM OIDC provider."""
    header, unverified = _unverified(token)
    for verifier in _issuers:
        identity = verifier(token, header)
        if identity is not None:
            return identity
    return _verify_with_provider(token, header, unverified)


def _verify_with_provider(token: str, header: dict, unverified: dict) -> WebIdentity:
    """An ID token from an external issuer the account registered with CreateOpenIDConnectProvider."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet, KeySetSerialization

    iss = unverified.get("iss")
    if not isinstance(iss, str):
        raise invalid_token()
    provider = oidc.provider_for_issuer(iss)
    if provider is None:
        raise invalid_token()
    claims = None
    for refresh in (False, True):  # a kid we have not seen may be a rotated key: fetch once more
        try:
            # the issuer's JSON, typed as the key set it should be; import_key_set checks it (errors caught below)
            keys = KeySet.import_key_set(cast(KeySetSerialization, oidc.jwks(iss, refresh=refresh)))
            claims = jwt.decode(token, keys, algorithms=["RS256", "ES256", "RS384", "RS512"]).claims
            break
        except (JoseError, ValueError, TypeError, KeyError):
            continue
        except OSError:
            raise iam_errors.InvalidIdentityToken("Couldn't retrieve verification key from your identity provider") from None
    if claims is None:
        raise invalid_token()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_ids and not set(map(str, audiences)) & set(provider.client_ids):
        raise invalid_token()
    if not isinstance(claims.get("exp"), int):
        raise invalid_token()
    if claims["exp"] <= int(time.time()):
        raise expired_token()
    return WebIdentity(provider.url, str(claims.get("sub")), str(audiences[0]), claims)


def provider_names(identity: WebIdentity) -> list[str]:
    """The names a trust policy's Federated principal may use for this issuer."""
    if identity.provider == "cognito-identity.amazonaws.com":  # an identity pool's token: that name only
        return [identity.provider]
    pool_id = identity.provider.rsplit("/", 1)[-1]
    names = [identity.provider, f"cognito-idp.{settings.REGION}.amazonaws.com/{pool_id}"]
    if not identity.claims.get("token_use"):  # an external issuer: only its own name
        names = [identity.provider]
    return names + [f"arn:aws:iam::{settings.ACCOUNT_ID}:oidc-provider/{name}" for name in names]


def token_session_tags(claims: dict) -> dict[str, str]:
    """Session tags an ID token carries in AWS's `https://aws.amazon.com/tags` claim
    (`{"principal_tags": {"key": ["value"]}}`)."""
    section = claims.get("https://aws.amazon.com/tags")
    principal_tags = section.get("principal_tags") if isinstance(section, dict) else None
    if not isinstance(principal_tags, dict):
        return {}
    tags: dict[str, str] = {}
    for key, values in principal_tags.items():
        value = values[0] if isinstance(values, list) and values else values
        if isinstance(value, str):
            tags[str(key)] = value
    return tags


def assume_role_with_web_identity(
    role_arn: str,
    session_name: str,
    token: str,
    *,
    duration: int | None = None,
    policy: str | None = None,
    policy_arns: list[dict] | None = None,
) -> tuple[sts.AssumedRole, WebIdentity]:
    identity = verify_token(token)
    role = sts.role_by_arn(role_arn)
    denied = errors.AccessDeniedException("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    if role is None:
        raise denied
    names = provider_names(identity)
    context: dict = {"sts:RoleSessionName": session_name}
    for name in names[:2]:
        context[f"{name}:sub"] = identity.subject
        context[f"{name}:aud"] = identity.audience
        context[f"{name}:oaud"] = identity.audience
        if isinstance(identity.claims.get("amr"), list):
            context[f"{name}:amr"] = [str(v) for v in identity.claims["amr"]]
    if not evaluation.trust_allows(role.assume_role_policy, "sts:AssumeRoleWithWebIdentity", names, context):
        raise denied
    tags = token_session_tags(identity.claims)
    if tags:  # session tags in the token need sts:TagSession in the trust policy, as on AWS
        tag_context = {**context, **{f"aws:RequestTag/{k}": v for k, v in tags.items()}, "aws:TagKeys": list(tags)}
        if not evaluation.trust_allows(role.assume_role_policy, "sts:TagSession", names, tag_context):
            raise denied
    policies = sts.session_policy(policy, policy_arns)
    duration = sts.session_duration(role, duration, chained=False)
    # The provider's keys stay with the session, so the role's own policies can name them
    # (`${<provider>:sub}`), as AWS resolves them for web-identity sessions.
    carried = {key: value for key, value in context.items() if key != "sts:RoleSessionName"}
    assumed = sts.role_session(role, session_name, policies, tags, duration, source_identity=None, context=carried)
    assert assumed.session.kind == ROLE
    return assumed, identity
