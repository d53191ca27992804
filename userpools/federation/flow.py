"""The federation side of a hosted sign-in, as the hosted UI calls it: which providers a client
offers, finding the one an authorize request names, and sending the browser to it. The IdP
response views (`views.py`) finish what `redirect_to_provider` starts."""
from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import InvalidParameterException, InvalidRequestError, ResourceNotFoundException, ServiceError
from userpools.federation import catalog, csrf_cookie, oidc, saml, state
from userpools.federation.providers import get_by_identifier, get_provider
from userpools.hosted import errors
from userpools.models import IdentityProvider, UserPool, UserPoolClient


def providers_for_client(pool: UserPool, client: UserPoolClient) -> list[IdentityProvider]:
    """The client's SupportedIdentityProviders other than COGNITO, in its order."""
    names = [name for name in client.config.get("SupportedIdentityProviders") or [] if name != "COGNITO"]
    found = {provider.name: provider for provider in IdentityProvider.objects.filter(pool=pool, name__in=names)}
    return [found[name] for name in names if name in found]


def find_provider(pool: UserPool, *, identity_provider: str | None = None, idp_identifier: str | None = None) -> IdentityProvider:
    """The provider an authorize request names by `identity_provider` or `idp_identifier`
    (ResourceNotFoundException when the pool has none such)."""
    if identity_provider:
        return get_provider(pool.id, identity_provider)
    if idp_identifier:
        return get_by_identifier(pool.id, idp_identifier)
    raise InvalidParameterException("identity_provider or idp_identifier is required.")


def redirect_to_provider(request: HttpRequest, pool: UserPool, client: UserPoolClient, provider: IdentityProvider,
                         resume: dict) -> HttpResponse:
    """Start the sign-in at the provider. `resume` (the authorize parameters) waits on our side
    under a single-use key that travels as the OIDC `state` or the SAML `RelayState`, and is
    bound to this browser by the csrf-state cookie."""
    if provider.pool_id != pool.id:
        raise ResourceNotFoundException(f"Identity provider {provider.name} does not exist.")
    try:
        key, location = _start(pool, client, provider, resume)
    except ServiceError as error:  # the provider cannot be reached (discovery, metadata): tell the client
        return errors.to_client(request, client, resume, InvalidRequestError(error.message), pool=pool)
    return csrf_cookie.bind(request, HttpResponseRedirect(location), pool, key)


def _start(pool: UserPool, client: UserPoolClient, provider: IdentityProvider, resume: dict) -> tuple[str, str]:
    """(the pending sign-in's key, the provider's sign-in URL)."""
    pending = {"pool": pool.id, "client": client.client_id, "provider": provider.name,
               "resume": {str(key): str(value) for key, value in resume.items()}}
    key = state.new_key()
    if provider.provider_type == catalog.SAML:
        request_id, location = saml.authn_request(pool, provider, key)
        state.save(key, {**pending, "request_id": request_id})
        return key, location
    pending.update(nonce=secrets.token_urlsafe(24), verifier=secrets.token_urlsafe(48))
    state.save(key, pending)
    return key, oidc.authorization_url(pool, provider, key, pending["nonce"], pending["verifier"])
