"""SAML 2.0, SP-initiated, on pysaml2: the AuthnRequest (HTTP-Redirect binding), the response at
the ACS (HTTP-POST binding) with its assertion's signature verified by xmlsec1, and the pool's SP
metadata. pysaml2's errors are caught here and re-raised as ours."""
from __future__ import annotations

import logging

import requests
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

from core.errors import InvalidParameterException, NotAuthorizedException
from userpools.domain.claims import issuer
from userpools.federation import catalog, sp_key
from userpools.models import IdentityProvider, UserPool

logger = logging.getLogger(__name__)
_METADATA_LIMIT = 1024 * 1024
_FETCH_TIMEOUT = 10


def entity_id(pool: UserPool) -> str:
    """The SP's entity id, Cognito's form."""
    return f"urn:amazon:cognito:sp:{pool.id}"


def acs_url(pool: UserPool) -> str:
    return f"{issuer(pool.id)}/saml2/idpresponse"


def fetch_metadata(url: str) -> str:
    """The IdP metadata at MetadataURL (https, or http to loopback)."""
    catalog.check_url(url, "MetadataURL")
    try:
        response = requests.get(url, timeout=_FETCH_TIMEOUT, allow_redirects=False)
    except requests.RequestException:
        raise InvalidParameterException(f"Unable to retrieve the SAML metadata from {url}.") from None
    if response.status_code != 200 or len(response.content) > _METADATA_LIMIT:
        raise InvalidParameterException(f"Unable to retrieve the SAML metadata from {url}.")
    return response.text


def metadata_of(details: dict[str, str]) -> str:
    """The metadata XML a provider's details name (file, or fetched from the URL), checked to describe one IdP."""
    xml = details.get("MetadataFile") or fetch_metadata(details["MetadataURL"])
    try:
        client = _client(None, xml)
        idps = list(client.metadata.identity_providers())
    except Exception:  # pysaml2 raises a zoo of parse errors; the caller sees one
        idps = []
    if len(idps) != 1:
        raise InvalidParameterException("The SAML metadata is not valid: it must describe exactly one identity provider.")
    return xml


def _client(pool: UserPool | None, metadata_xml: str | None) -> Saml2Client:
    config: dict = {
        "entityid": entity_id(pool) if pool else "urn:amazon:cognito:sp:metadata-check",
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs_url(pool) if pool else "http://localhost/", BINDING_HTTP_POST)]},
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "authn_requests_signed": False,
            "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
        }},
    }
    if metadata_xml:
        config["metadata"] = {"inline": [metadata_xml]}
    if pool is not None:
        key_file, cert_file = sp_key.files(pool)
        config.update(key_file=key_file, cert_file=cert_file, encryption_keypairs=[{"key_file": key_file, "cert_file": cert_file}])
    sp_config = SPConfig()
    sp_config.load(config)
    return Saml2Client(config=sp_config)


def _idp_entity(client: Saml2Client) -> str:
    return next(iter(client.metadata.identity_providers()))


def authn_request(pool: UserPool, provider: IdentityProvider, relay_state: str) -> tuple[str, str]:
    """(request id, the IdP URL carrying the AuthnRequest) for the browser to follow."""
    client = _client(pool, provider.metadata)
    request_id, info = client.prepare_for_authenticate(
        entityid=_idp_entity(client), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT,
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def verified_assertion(pool: UserPool, provider: IdentityProvider, saml_response: str, request_id: str) -> tuple[str, dict[str, str]]:
    """(NameID, attributes) of a response to our request `request_id`, from the provider's IdP, its
    assertion signed by the IdP's key; anything else is NotAuthorizedException."""
    client = _client(pool, provider.metadata)
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={request_id: acs_url(pool)})
    except Exception as error:  # signature, schema, audience, time and status errors alike
        logger.info("SAML response refused for %s/%s: %s: %s", pool.id, provider.name, type(error).__name__, error)
        raise NotAuthorizedException("Invalid SAML response received.") from None
    if response is None or response.issuer() != _idp_entity(client) or response.assertion is None:
        raise NotAuthorizedException("Invalid SAML response received.")
    subject = response.get_subject()
    if subject is None or not (subject.text or "").strip():
        raise NotAuthorizedException("Invalid SAML response received.")
    return subject.text.strip(), _attributes(response)


def _attributes(response) -> dict[str, str]:
    """The assertion's attributes by their raw names (AttributeMapping names them so), values joined
    by commas as Cognito does with multi-valued SAML attributes."""
    found: dict[str, str] = {}
    for statement in response.assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values = [value.text or "" for value in attribute.attribute_value or []]
            found[attribute.name] = ",".join(values)
    return found


def sp_metadata(pool: UserPool) -> str:
    """The pool's SP metadata: entity id, ACS and signing/encryption certificate."""
    client = _client(pool, None)
    return create_metadata_string(None, config=client.config).decode()


def described_endpoints(provider: IdentityProvider) -> dict[str, str]:
    """The keys Cognito adds to a SAML provider's details: its IdP's SSO (and SLO) redirect URLs."""
    client = _client(None, provider.metadata)
    idp = _idp_entity(client)
    found = {}
    for key, service in (("SSORedirectBindingURI", "single_sign_on_service"), ("SLORedirectBindingURI", "single_logout_service")):
        try:  # pysaml2 raises when the IdP names no endpoint of that binding: nothing to add then
            endpoints = client.metadata.service(idp, "idpsso_descriptor", service, BINDING_HTTP_REDIRECT)
        except Exception:
            endpoints = None
        if endpoints:
            found[key] = endpoints[0]["location"]
    return found
