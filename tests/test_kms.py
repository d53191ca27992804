"""The KMS endpoint the custom senders' handlers decrypt through, driven by boto3's kms client."""
from __future__ import annotations

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import REGION, error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:us-east-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def kms(live_server):
    return make_client(live_server.url, "kms")


def test_encrypt_then_decrypt_with_and_without_the_key_id(kms):
    blob = kms.encrypt(KeyId=KEY, Plaintext=b"123456", EncryptionContext={"purpose": "test"})
    assert blob["KeyId"] == KEY and blob["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    for extra in ({}, {"KeyId": KEY}):
        answer = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"purpose": "test"}, **extra)
        assert answer["Plaintext"] == b"123456" and answer["KeyId"] == KEY


def test_generate_data_key_gives_a_key_and_its_wrapped_form(kms):
    data_key = kms.generate_data_key(KeyId=KEY, NumberOfBytes=32)
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    assert len(kms.generate_data_key(KeyId=KEY, KeySpec="AES_128")["Plaintext"]) == 16


def test_a_blob_opens_only_under_its_key_and_context(kms):
    blob = kms.encrypt(KeyId=KEY, Plaintext=b"secret", EncryptionContext={"pool": "a"})["CiphertextBlob"]
    cases = [
        ({"CiphertextBlob": blob, "EncryptionContext": {"pool": "b"}}, "InvalidCiphertextException"),
        ({"CiphertextBlob": blob}, "InvalidCiphertextException"),
        ({"CiphertextBlob": blob, "EncryptionContext": {"pool": "a"}, "KeyId": OTHER_KEY}, "IncorrectKeyException"),
        ({"CiphertextBlob": blob[:-1] + bytes([blob[-1] ^ 1]), "EncryptionContext": {"pool": "a"}}, "InvalidCiphertextException"),
        ({"CiphertextBlob": b"not a blob at all"}, "InvalidCiphertextException"),
    ]
    for params, expected in cases:
        with pytest.raises(ClientError) as excinfo:
            kms.decrypt(**params)
        assert error_code(excinfo) == expected, params


def test_aliases_and_bad_key_ids_are_not_found(kms):
    with pytest.raises(ClientError) as excinfo:
        kms.encrypt(KeyId="alias/my-key", Plaintext=b"x")
    assert error_code(excinfo) == "NotFoundException"


def test_kms_needs_a_signature(live_server):
    unsigned = boto3.client("kms", endpoint_url=live_server.url, region_name=REGION, config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as excinfo:
        unsigned.encrypt(KeyId=KEY, Plaintext=b"x")
    assert error_code(excinfo) == "MissingAuthenticationTokenException"
