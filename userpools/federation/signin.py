"""Finishing a federated sign-in when the provider answers: the pending sign-in its key names,
the identity the answer proves, and the pool user that identity signs in as."""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import NotAuthorizedException
from userpools.federation import catalog, external_users, oidc, saml, state
from userpools.federation.providers import get_provider
from userpools.models import User, UserPool, UserPoolClient
from userpools.services.clients import get_client


@dataclass(frozen=True)
class Pending:
    """A sign-in that went to a provider: for whom, and the authorize request to resume."""

    client: UserPoolClient
    resume: dict
    data: dict


def take_pending(pool: UserPool, key: str, browser_proof: str, provider_kind: str) -> Pending:
    """The pending sign-in `key` names (single use), which must be this pool's, of this kind, and
    started in the browser presenting `browser_proof` (its csrf-state cookie)."""
    data = state.take(key, browser_proof)
    is_saml = "request_id" in data
    if data.get("pool") != pool.id or is_saml != (provider_kind == catalog.SAML):
        raise NotAuthorizedException("Invalid state.")
    return Pending(client=get_client(pool.id, data["client"]), resume=dict(data["resume"]), data=data)


def oidc_user(pool: UserPool, pending: Pending, code: str) -> User:
    """The user an OIDC or social provider's authorization code signs in."""
    provider = get_provider(pool.id, pending.data["provider"])
    if provider.provider_type == catalog.SAML:
        raise NotAuthorizedException("Invalid state.")
    claims = oidc.claims_for_code(pool, provider, code, pending.data["verifier"], pending.data["nonce"])
    subject = external_users.subject_of(provider, claims)
    return external_users.sign_in(pool, provider, subject, claims, client_id=pending.client.client_id)


def saml_user(pool: UserPool, pending: Pending, saml_response: str) -> User:
    """The user a SAML response (signed assertion) signs in."""
    provider = get_provider(pool.id, pending.data["provider"])
    if provider.provider_type != catalog.SAML:
        raise NotAuthorizedException("Invalid state.")
    subject, attributes = saml.verified_assertion(pool, provider, saml_response, pending.data["request_id"])
    return external_users.sign_in(pool, provider, subject, attributes, client_id=pending.client.client_id)
