from django.apps import AppConfig


class IdentityPoolsConfig(AppConfig):
    name = "identitypools"
    verbose_name = "Identity pools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the cognito-identity operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from iam.services import web_identity
        from identitypools.operations import COGNITO_IDENTITY, OPERATIONS
        from identitypools.services.web_identity import verify_openid_token

        registry.register(COGNITO_IDENTITY, OPERATIONS)
        web_identity.register_issuer(verify_openid_token)  # GetOpenIdToken's tokens for STS
