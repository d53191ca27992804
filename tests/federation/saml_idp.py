"""A SAML 2.0 identity provider run in-process by the tests: pysaml2's own IdP (`saml2.server.Server`)
with a key pair made for the run. It answers our AuthnRequests with signed assertions."""
from __future__ import annotations

import base64
import datetime
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server

# pysaml2 signs and verifies with Debian's xmlsec1 binary (`.ci/run` installs it): without it these
# tests skip on a developer's machine and fail under CI.
_XMLSEC1_MISSING = shutil.which("xmlsec1") is None and os.environ.get("CI") != "true"
requires_xmlsec1 = pytest.mark.skipif(_XMLSEC1_MISSING, reason="xmlsec1 is not installed (apt-get install xmlsec1)")

ENTITY_ID = "https://idp.example.test/metadata"
SSO_URL = "https://idp.example.test/sso"


def write_key_pair(directory: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class SamlIdp:
    """The IdP. `sp_metadata` is the pool's SP metadata (from `<issuer>/saml2/metadata`), if known yet."""

    def __init__(self, directory: Path, sp_metadata: str | None = None):
        self.key_file, self.cert_file = write_key_pair(directory, "idp")
        config: dict = {
            "entityid": ENTITY_ID,
            "key_file": self.key_file,
            "cert_file": self.cert_file,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None, "name_form": None}},
            }},
        }
        if sp_metadata:
            config["metadata"] = {"inline": [sp_metadata]}
        idp_config = IdPConfig()
        idp_config.load(config)
        self.server = Server(config=idp_config)

    def metadata(self) -> str:
        return create_metadata_string(None, config=self.server.config).decode()

    def answer(self, redirect_url: str, subject: str, attributes: dict[str, list[str]], *, sign: bool = True, encrypt: bool = False) -> tuple[str, str, str]:
        """(ACS URL, SAMLResponse, RelayState) answering the AuthnRequest carried by `redirect_url`."""
        query = parse_qs(urlsplit(redirect_url).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
        response = self.server.create_authn_response(
            identity=attributes,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=subject),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
            sign_assertion=sign,
            sign_response=False,
            encrypt_assertion=encrypt,  # to the encryption certificate in the SP's metadata
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        return request.assertion_consumer_service_url, encoded, query["RelayState"][0]
