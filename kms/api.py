"""The KMS operations (JSON 1.1, target prefix TrentService) that the AWS Encryption SDK calls, so a
custom sender handler copied from Cognito decrypts its code unchanged: it only needs
AWS_ENDPOINT_URL_KMS pointing here and credentials allowed to use the key."""
from __future__ import annotations

import base64
import binascii
import os

from awsapi.registry import CallContext
from core.errors import InvalidCiphertextException, InvalidKeyUsageException, ValidationException
from kms import keys

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
_KEY_SPEC_BYTES = {"AES_256": 32, "AES_128": 16}


def _blob(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationException("Invalid base64 blob.") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _refuse_other_algorithms(params: dict) -> None:
    if params.get("EncryptionAlgorithm", SYMMETRIC_DEFAULT) != SYMMETRIC_DEFAULT:
        raise InvalidKeyUsageException(f"{params['EncryptionAlgorithm']} is not supported by a symmetric key.")


def decrypt(params: dict, context: CallContext) -> dict:
    _refuse_other_algorithms(params)
    if params.get("CiphertextBlob") is None:  # optional in the model only for the Recipient flow
        raise ValidationException("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null")
    try:
        arn, plaintext = keys.decrypt(_blob(params["CiphertextBlob"]), params.get("EncryptionContext"), params.get("KeyId"))
    except ValidationException:
        raise InvalidCiphertextException() from None
    return {"KeyId": arn, "Plaintext": _b64(plaintext), "EncryptionAlgorithm": SYMMETRIC_DEFAULT}


def encrypt(params: dict, context: CallContext) -> dict:
    _refuse_other_algorithms(params)
    arn, blob = keys.encrypt(params["KeyId"], _blob(params["Plaintext"]), params.get("EncryptionContext"))
    return {"KeyId": arn, "CiphertextBlob": _b64(blob), "EncryptionAlgorithm": SYMMETRIC_DEFAULT}


def generate_data_key(params: dict, context: CallContext) -> dict:
    number, spec = params.get("NumberOfBytes"), params.get("KeySpec")
    if (number is None) == (spec is None):  # a JSON null is no member either
        raise ValidationException("Please specify either number of bytes or key spec.")
    size = number if number is not None else _KEY_SPEC_BYTES[str(spec)]
    plaintext = os.urandom(size)
    arn, blob = keys.encrypt(params["KeyId"], plaintext, params.get("EncryptionContext"))
    return {"KeyId": arn, "Plaintext": _b64(plaintext), "CiphertextBlob": _b64(blob)}

