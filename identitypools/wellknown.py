"""The public keys of identity-pool OpenID tokens (GetOpenIdToken) and their discovery document,
under the issuer `<PUBLIC_URL>/identitypools`."""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from core import cors
from identitypools import ids, keys


@cors.allow_browsers("GET")
@require_safe
def jwks(request: HttpRequest) -> JsonResponse:
    keys.active_key()  # publish the key before it signs anything
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@cors.allow_browsers("GET")
@require_safe
def openid_configuration(request: HttpRequest) -> JsonResponse:
    base = ids.issuer()
    return JsonResponse({
        "issuer": base,
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "claims_supported": ["aud", "sub", "amr", "iss", "exp", "iat"],
    })
