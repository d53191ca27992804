"""The pool's SAML service-provider key pair. Its certificate is what GetSigningCertificate
returns and what the SP metadata publishes; the key decrypts encrypted assertions."""
from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.db import transaction

from userpools.models import SamlServiceProviderKey, UserPool

_VALID_FOR = datetime.timedelta(days=3650)


def _create(pool: UserPool) -> SamlServiceProviderKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, pool.id)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + _VALID_FOR)
        .sign(key, hashes.SHA256())
    )
    row = SamlServiceProviderKey(pool=pool, certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode())
    row.private_key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    row.save()
    return row


def key_pair(pool: UserPool) -> SamlServiceProviderKey:
    """The pool's key pair, created on first use (the pool row lock makes concurrent first uses create one)."""
    row = SamlServiceProviderKey.objects.filter(pool=pool).first()
    if row is not None:
        return row
    with transaction.atomic():
        UserPool.objects.select_for_update(no_key=True).filter(pk=pool.pk).first()
        return SamlServiceProviderKey.objects.filter(pool=pool).first() or _create(pool)


def certificate_base64(pool: UserPool) -> str:
    """The certificate as GetSigningCertificate answers it: base64 of its DER, no PEM armour."""
    pem = key_pair(pool).certificate_pem
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def files(pool: UserPool) -> tuple[str, str]:
    """(key file, cert file) paths: pysaml2 and xmlsec1 read key material from files. They live in a
    private directory, named by the certificate's serial so a new key never reuses a stale file."""
    row = key_pair(pool)
    serial = x509.load_pem_x509_certificate(row.certificate_pem.encode()).serial_number
    directory = Path(tempfile.gettempdir()) / f"identity-saml-{os.getuid()}"
    directory.mkdir(mode=0o700, exist_ok=True)
    key_path, cert_path = directory / f"{pool.id}-{serial:x}.key", directory / f"{pool.id}-{serial:x}.crt"
    if not key_path.exists():
        _write_private(key_path, row.private_key_pem)
    if not cert_path.exists():
        _write_private(cert_path, row.certificate_pem)
    return str(key_path), str(cert_path)


def _write_private(path: Path, text: str) -> None:
    """Write via a temporary name and rename, so a concurrent reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.replace(temporary, path)

