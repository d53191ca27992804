"""What each provider type needs and what Cognito fills in: pure data and checks on plain values.

Social providers are presets of the OIDC/OAuth machinery: their endpoint keys are defaults a
ProviderDetails value overrides (so a test or a private deployment can point them elsewhere).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from core.errors import InvalidParameterException

OIDC, SAML = "OIDC", "SAML"
GOOGLE, FACEBOOK, AMAZON, APPLE = "Google", "Facebook", "LoginWithAmazon", "SignInWithApple"
SOCIAL = (GOOGLE, FACEBOOK, AMAZON, APPLE)

# The attribute a link or a federated username names: the provider's subject.
SUBJECT_ATTRIBUTE = "Cognito_Subject"
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

_REQUIRED = {
    OIDC: ("client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"),
    GOOGLE: ("client_id", "client_secret", "authorize_scopes"),
    FACEBOOK: ("client_id", "client_secret", "authorize_scopes"),
    AMAZON: ("client_id", "client_secret", "authorize_scopes"),
    APPLE: ("client_id", "team_id", "key_id", "private_key", "authorize_scopes"),
}

# The endpoint keys Cognito adds to a social provider's details.
_PRESETS: dict[str, dict[str, str]] = {
    GOOGLE: {
        "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
        "attributes_url_add_attributes": "true",
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "oidc_issuer": "https://accounts.google.com",
        "token_request_method": "POST",
        "token_url": "https://www.googleapis.com/oauth2/v4/token",
    },
    FACEBOOK: {
        "api_version": "v17.0",
        "attributes_url": "https://graph.facebook.com/v17.0/me?fields=",
        "attributes_url_add_attributes": "true",
        "authorize_url": "https://www.facebook.com/v17.0/dialog/oauth",
        "token_request_method": "GET",
        "token_url": "https://graph.facebook.com/v17.0/oauth/access_token",
    },
    AMAZON: {
        "attributes_url": "https://api.amazon.com/user/profile",
        "attributes_url_add_attributes": "false",
        "authorize_url": "https://www.amazon.com/ap/oa",
        "token_request_method": "POST",
        "token_url": "https://api.amazon.com/auth/o2/token",
    },
    APPLE: {
        "authorize_url": "https://appleid.apple.com/auth/authorize",
        "oidc_issuer": "https://appleid.apple.com",
        "token_request_method": "POST",
        "token_url": "https://appleid.apple.com/auth/token",
    },
}

# Which claim of the provider is the user's subject, unless AttributeMapping's `username` says otherwise.
DEFAULT_SUBJECT_CLAIM = {OIDC: "sub", GOOGLE: "sub", FACEBOOK: "id", AMAZON: "user_id", APPLE: "sub"}


def check_name(name: str, provider_type: str) -> None:
    """Social providers are named after their type; no other provider may take a social name or COGNITO."""
    if provider_type in SOCIAL and name != provider_type:
        raise InvalidParameterException(f"Provider name must be {provider_type} for provider type {provider_type}.")
    if provider_type not in SOCIAL and (name in SOCIAL or name.upper() == "COGNITO"):
        raise InvalidParameterException(f"Provider name {name} is reserved.")


def completed_details(provider_type: str, given: dict[str, str]) -> dict[str, str]:
    """ProviderDetails checked for the type, with Cognito's defaults under what was given."""
    preset = dict(_PRESETS.get(provider_type, {}))
    if given.get("oidc_issuer") and given["oidc_issuer"] != preset.get("oidc_issuer"):
        # Pointed at another issuer (a test, a private deployment): its discovery names the endpoints.
        preset = {key: value for key, value in preset.items() if not key.endswith("_url") and key != "attributes_url_add_attributes"}
    details = {**preset, **given}
    if provider_type == SAML:
        _check_saml(details)
        return details
    missing = [key for key in _REQUIRED[provider_type] if not details.get(key)]
    if missing:
        raise InvalidParameterException(f"{', '.join(missing)} is required in ProviderDetails for {provider_type}.")
    method = details.get("attributes_request_method")
    if method is not None and method not in ("GET", "POST"):
        raise InvalidParameterException("attributes_request_method must be GET or POST.")
    for key in ("oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"):
        if details.get(key):
            check_url(details[key], key)
    return details


def _check_saml(details: dict[str, str]) -> None:
    has_file, has_url = bool(details.get("MetadataFile")), bool(details.get("MetadataURL"))
    if has_file == has_url:
        raise InvalidParameterException("Exactly one of MetadataFile or MetadataURL must be given for SAML providers.")
    if has_url:
        check_url(details["MetadataURL"], "MetadataURL")
    for flag in ("IDPSignout", "IDPInit", "EncryptedResponses"):
        if flag in details and str(details[flag]).lower() not in ("true", "false"):
            raise InvalidParameterException(f"{flag} must be true or false.")
    if details.get("RequestSigningAlgorithm") not in (None, "rsa-sha256"):
        raise InvalidParameterException("RequestSigningAlgorithm only accepts rsa-sha256.")


def check_url(url: str, what: str) -> None:
    """HTTPS, or plain HTTP to a loopback host only."""
    parts = urlsplit(url)
    secure = parts.scheme == "https" and bool(parts.hostname)
    loopback = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    if not (secure or loopback):
        raise InvalidParameterException(f"{what} must be an https URL (http is allowed for loopback hosts only): {url}")


def default_mapping(provider_type: str) -> dict[str, str]:
    """Cognito maps the provider's subject to `username` for OIDC and social providers."""
    claim = DEFAULT_SUBJECT_CLAIM.get(provider_type)
    return {"username": claim} if claim else {}
