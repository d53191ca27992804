"""Identity pool and identity ids (`<region>:<uuid>`) and ARNs."""
from __future__ import annotations

import uuid

from django.conf import settings

# The provider name of tokens this service signs for identity pools (GetOpenIdToken), as on AWS.
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"


def new_id() -> str:
    return f"{settings.REGION}:{uuid.uuid4()}"


def pool_arn(pool_id: str) -> str:
    return f"arn:aws:cognito-identity:{settings.REGION}:{settings.ACCOUNT_ID}:identitypool/{pool_id}"


def pool_id_from_arn(arn: str) -> str | None:
    prefix = f"arn:aws:cognito-identity:{settings.REGION}:{settings.ACCOUNT_ID}:identitypool/"
    return arn[len(prefix):] if arn.startswith(prefix) else None


def issuer() -> str:
    """The issuer of GetOpenIdToken tokens; its JWKS is `<issuer>/.well-known/jwks.json`."""
    return f"{settings.PUBLIC_URL}/identitypools"
