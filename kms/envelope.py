"""Encrypting a secret the way Cognito hands codes to custom sender triggers: an AWS Encryption SDK
message whose data key is wrapped by a KMS key (provider "aws-kms", key info = the key ARN), base64
encoded. A handler decrypts it with the SDK's StrictAwsKmsMasterKeyProvider, which calls our
KMS Decrypt (kms.api); here the data key is wrapped in-process by the same key code."""
from __future__ import annotations

import base64
import os

import attr
import aws_encryption_sdk
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy
from aws_encryption_sdk.key_providers.base import MasterKey, MasterKeyConfig
from aws_encryption_sdk.structures import DataKey, EncryptedDataKey

from kms import keys

# Key-committing and unsigned: decryptable under every commitment policy, and no per-message ECDSA cost.
ALGORITHM = Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY
_CLIENT = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)


@attr.s(hash=True)
class _LocalKmsKeyConfig(MasterKeyConfig):
    provider_id = "aws-kms"


class _LocalKmsKey(MasterKey):
    """A KMS key seen from inside the service: wraps data keys exactly as kms.api's Encrypt would."""

    provider_id = "aws-kms"
    _config_class = _LocalKmsKeyConfig

    def _wrap(self, plaintext: bytes, encryption_context: dict | None) -> bytes:
        return keys.encrypt(self.key_id.decode(), plaintext, encryption_context)[1]

    def _generate_data_key(self, algorithm, encryption_context=None):
        plaintext = os.urandom(algorithm.kdf_input_len)
        return DataKey(key_provider=self.key_provider, data_key=plaintext, encrypted_data_key=self._wrap(plaintext, encryption_context))

    def _encrypt_data_key(self, data_key, algorithm, encryption_context=None):
        return EncryptedDataKey(key_provider=self.key_provider, encrypted_data_key=self._wrap(data_key.data_key, encryption_context))

    def _decrypt_data_key(self, encrypted_data_key, algorithm, encryption_context=None):  # required by MasterKey
        _, plaintext = keys.decrypt(encrypted_data_key.encrypted_data_key, encryption_context, self.key_id.decode())
        return DataKey(key_provider=self.key_provider, data_key=plaintext, encrypted_data_key=encrypted_data_key.encrypted_data_key)


def encrypt_secret(key_id: str, secret: str, context: dict[str, str] | None = None) -> str:
    """The base64 Encryption SDK message Cognito puts in a custom sender event's `request.code`."""
    master_key = _LocalKmsKey(key_id=keys.key_arn(key_id))
    message, _ = _CLIENT.encrypt(source=secret.encode(), key_provider=master_key, algorithm=ALGORITHM, encryption_context=context or {})
    return base64.b64encode(message).decode()

