"""Public discovery documents of a user pool: its JWKS and its OpenID configuration.

Both live under the pool's issuer, `<PUBLIC_URL>/<poolId>`, as Cognito's do, so JWT libraries
configured with our issuer find the keys where they expect them.
"""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from core import cors
from core.errors import ResourceNotFoundException, ServiceError
from userpools import keys
from userpools.domain.claims import issuer
from userpools.models import UserPool
from userpools.services import domains

# Short enough that a rotated-in key is seen soon; verifiers refetch on an unknown kid anyway.
_CACHE_SECONDS = 300


def _pool_or_404(pool_id: str) -> UserPool | JsonResponse:
    pool = UserPool.objects.filter(pk=pool_id).first()
    if pool is not None:
        return pool
    return render_error(ResourceNotFoundException(f"User pool {pool_id} does not exist."))


def render_error(error: ServiceError) -> JsonResponse:
    """The one renderer of errors for the discovery endpoints: AWS's body, a plain HTTP status."""
    status = 404 if isinstance(error, ResourceNotFoundException) else error.status
    return JsonResponse({"__type": error.error_type, "message": error.message}, status=status)


def _cached(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = f"public, max-age={_CACHE_SECONDS}"
    return response


@cors.allow_browsers("GET")
@require_safe
def jwks(request: HttpRequest, pool_id: str) -> JsonResponse:
    pool = _pool_or_404(pool_id)
    if isinstance(pool, JsonResponse):
        return pool
    keys.active_key(pool)  # a pool that never signed anything still publishes the key it will use
    return _cached(JsonResponse(keys.jwks(pool)))


@cors.allow_browsers("GET")
@require_safe
def openid_configuration(request: HttpRequest, pool_id: str) -> JsonResponse:
    pool = _pool_or_404(pool_id)
    if isinstance(pool, JsonResponse):
        return pool
    base = issuer(pool.pk)
    document: dict = {
        "issuer": base,
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }
    if domains.has_domain(pool):  # the OAuth endpoints are served only for a pool with a domain, as on Cognito
        document.update({
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "token_endpoint": f"{base}/oauth2/token",
            "userinfo_endpoint": f"{base}/oauth2/userInfo",
            "revocation_endpoint": f"{base}/oauth2/revoke",
            "end_session_endpoint": f"{base}/logout",
            "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
            # Cognito's one method. `plain` is still accepted from clients that send it (RFC 7636's
            # default), but not offered: it protects nothing once the authorize URL is seen.
            "code_challenge_methods_supported": ["S256"],
            "response_modes_supported": ["query", "fragment"],
            "scopes_supported": ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "cognito:username", "email",
                                 "email_verified", "phone_number", "phone_number_verified", "name"],
        })
    return _cached(JsonResponse(document))
