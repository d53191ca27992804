"""OIDC and OAuth 2.0 providers (OIDC, and the social presets Google, Facebook, Login with Amazon,
Sign in with Apple) on authlib's client: discovery, the authorization-code flow with PKCE, ID
tokens verified against the provider's JWKS (iss, aud, exp, nonce), the attributes endpoint.
authlib's and joserfc's errors are caught here and re-raised as ours."""
from __future__ import annotations

import logging
import time
from typing import Any, cast
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from core.errors import NotAuthorizedException
from userpools.domain.claims import issuer
from userpools.federation import catalog
from userpools.models import IdentityProvider, UserPool

logger = logging.getLogger(__name__)
_TIMEOUT = 10
_DISCOVERY_SECONDS = 3600
_JWKS_SECONDS = 300
_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
_REFUSED = "The identity provider's answer could not be verified."


def redirect_uri(pool: UserPool) -> str:
    """The pool's response URL for OIDC and social providers (their redirect_uri)."""
    return f"{issuer(pool.id)}/oauth2/idpresponse"


def _get_json(url: str) -> dict:
    catalog.check_url(url, "URL")
    try:
        response = requests.get(url, timeout=_TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError):
        raise NotAuthorizedException(f"Unable to reach the identity provider at {url}.") from None
    if not isinstance(found, dict):
        raise NotAuthorizedException(f"Unexpected answer from the identity provider at {url}.")
    return found


def _discovered(oidc_issuer: str) -> dict:
    key = f"federation:discovery:{oidc_issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(oidc_issuer.rstrip("/") + "/.well-known/openid-configuration")
        if document.get("issuer") != oidc_issuer:  # OIDC Discovery 1.0 §4.3
            raise NotAuthorizedException("The identity provider's discovery document names another issuer.")
        cache.set(key, document, _DISCOVERY_SECONDS)
    return document


def endpoints(provider: IdentityProvider) -> dict[str, str]:
    """authorize_url, token_url, attributes_url, jwks_uri: from the details, else discovered at oidc_issuer."""
    details = provider.details
    wanted = {"authorize_url": "authorization_endpoint", "token_url": "token_endpoint",
              "attributes_url": "userinfo_endpoint", "jwks_uri": "jwks_uri"}
    found = {key: details[key] for key in wanted if details.get(key)}
    if details.get("oidc_issuer") and (len(found) < len(wanted) or provider.provider_type in (catalog.GOOGLE, catalog.APPLE)):
        document = _discovered(details["oidc_issuer"])
        for key, member in wanted.items():
            if key not in found and document.get(member):
                catalog.check_url(document[member], member)
                found[key] = document[member]
    if not found.get("authorize_url") or not found.get("token_url"):
        raise NotAuthorizedException(f"The identity provider {provider.name} has no authorization or token endpoint.")
    return found


def _uses_id_token(provider: IdentityProvider) -> bool:
    return provider.provider_type in (catalog.OIDC, catalog.GOOGLE, catalog.APPLE)


def client_secret(provider: IdentityProvider) -> str | None:
    """The client secret; Sign in with Apple's is a short-lived ES256 JWT made from the team's key."""
    details = provider.details
    if provider.provider_type != catalog.APPLE:
        return details.get("client_secret") or None
    now = int(time.time())
    claims = {"iss": details["team_id"], "iat": now, "exp": now + 300, "aud": "https://appleid.apple.com", "sub": details["client_id"]}
    return jwt.encode({"alg": "ES256", "kid": details["key_id"]}, claims, ECKey.import_key(details["private_key"]))


def _session(pool: UserPool, provider: IdentityProvider) -> OAuth2Session:
    secret = client_secret(provider)
    return OAuth2Session(
        client_id=provider.details["client_id"], client_secret=secret,
        scope=provider.details.get("authorize_scopes", "").replace(",", " ") or None,
        redirect_uri=redirect_uri(pool), code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post" if secret else "none",
    )


def authorization_url(pool: UserPool, provider: IdentityProvider, state: str, nonce: str, code_verifier: str) -> str:
    """Where the browser goes to sign in at the provider."""
    extra: dict[str, str] = {"nonce": nonce} if _uses_id_token(provider) else {}
    if provider.provider_type == catalog.APPLE and set(provider.details["authorize_scopes"].split()) & {"name", "email"}:
        extra["response_mode"] = "form_post"  # Apple requires it when name or email is asked for
    url, _ = _session(pool, provider).create_authorization_url(
        endpoints(provider)["authorize_url"], state=state, code_verifier=code_verifier, **extra,
    )
    return url


def claims_for_code(pool: UserPool, provider: IdentityProvider, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
    """Exchange the code; the ID token's claims (verified), merged with what the attributes endpoint says."""
    urls = endpoints(provider)
    session = _session(pool, provider)
    method = provider.details.get("token_request_method", "POST")
    try:
        token = session.fetch_token(urls["token_url"], method=method, code=code, code_verifier=code_verifier, timeout=_TIMEOUT)
    except Exception as error:  # authlib's OAuthError, requests' errors, a body that is no token
        logger.info("token exchange with %s/%s failed: %s", pool.id, provider.name, type(error).__name__)
        raise NotAuthorizedException("The identity provider refused the authorization code.") from None
    claims: dict[str, Any] = {}
    if _uses_id_token(provider):
        if not token.get("id_token"):
            raise NotAuthorizedException("The identity provider returned no ID token.")
        claims.update(verified_id_token(provider, urls, token["id_token"], nonce))
    if urls.get("attributes_url") and provider.provider_type in (catalog.OIDC, catalog.FACEBOOK, catalog.AMAZON):
        attributes = _attributes(provider, session, urls["attributes_url"])
        if claims and attributes.get("sub") not in (None, claims.get("sub")):  # OIDC Core §5.3.2
            raise NotAuthorizedException("The identity provider's user info names another subject.")
        claims.update(attributes)
    return claims


def _attributes(provider: IdentityProvider, session: OAuth2Session, url: str) -> dict[str, Any]:
    if provider.details.get("attributes_url_add_attributes") == "true":  # Facebook's ?fields=<the mapped claims>
        wanted = sorted({*provider.attribute_mapping.values(), catalog.DEFAULT_SUBJECT_CLAIM[provider.provider_type]})
        url = url + ",".join(wanted) if url.endswith("=") else f"{url}?{urlencode({'fields': ','.join(wanted)})}"
    method = provider.details.get("attributes_request_method", "GET")
    try:
        response = session.request(method, url, timeout=_TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except Exception:
        raise NotAuthorizedException("The identity provider's attributes endpoint did not answer.") from None
    return found if isinstance(found, dict) else {}


def _key_set(jwks_uri: str, *, fresh: bool) -> KeySet:
    key = f"federation:jwks:{jwks_uri}"
    document = None if fresh else cache.get(key)
    if document is None:
        document = _get_json(jwks_uri)
        cache.set(key, document, _JWKS_SECONDS)
    return KeySet.import_key_set(cast(Any, document))


def verified_id_token(provider: IdentityProvider, urls: dict[str, str], id_token: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims once its signature (the provider's JWKS), iss, aud, exp and nonce check out."""
    if not urls.get("jwks_uri"):
        raise NotAuthorizedException("The identity provider publishes no keys.")
    expected_issuer = provider.details.get("oidc_issuer")
    try:
        try:
            token = jwt.decode(id_token, _key_set(urls["jwks_uri"], fresh=False), algorithms=_ALGORITHMS)
        except JoseError:  # perhaps a key the cached set does not know yet
            token = jwt.decode(id_token, _key_set(urls["jwks_uri"], fresh=True), algorithms=_ALGORITHMS)
        rules = jwt.JWTClaimsRegistry(
            iss={"essential": True, **({"value": expected_issuer} if expected_issuer else {})},
            aud={"essential": True, "value": provider.details["client_id"]},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        rules.validate(token.claims)
    except (JoseError, ValueError) as error:
        logger.info("ID token refused for %s: %s", provider.name, type(error).__name__)
        raise NotAuthorizedException(_REFUSED) from None
    return dict(token.claims)
