"""The registry is filled explicitly by the apps, checks names against botocore, and knows no app."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from botocore.model import OperationNotFoundError

from awsapi import registry
from awsapi.registry import AwsService, Registry

AWSAPI = Path(__file__).resolve().parents[2] / "awsapi"
SERVICE = AwsService(model_name="sts", iam_prefix="sts", signing_name="sts", event_source="sts.amazonaws.com")


def _handler(params, ctx):
    return {}


def test_a_name_botocore_does_not_know_fails_at_registration():
    with pytest.raises(OperationNotFoundError):
        Registry().register(SERVICE, {"GetCallerIdentityy": _handler})


def test_each_app_registered_its_table():
    from iam.operations import STS
    from kms.operations import KMS
    from userpools.api.operations import COGNITO_IDP, OPERATIONS

    assert registry.find("TrentService", "Decrypt").service == KMS
    assert registry.REGISTRY.operation(STS, "GetCallerIdentity").action == "sts:GetCallerIdentity"
    for name in OPERATIONS:
        assert inspect.unwrap(registry.find(COGNITO_IDP.target_prefix, name).handler) is OPERATIONS[name]  # the suite's reads_only guard wraps some


def test_resources_come_from_the_apps_resolvers():
    op = registry.find("AWSCognitoIdentityProviderService", "AdminCreateUser")
    assert op.resource({"UserPoolId": "us-east-1_abc"}) == "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"
    decrypt = registry.find("TrentService", "Decrypt")
    assert decrypt.resource({"KeyId": "1234abcd-12ab"}) == "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab"


def test_awsapi_imports_no_app_above_it():
    for path in AWSAPI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in ("userpools", "kms", "triggers"), f"{path.name} imports {name}"
