from django.apps import AppConfig


class IdentityPoolsConfig(AppConfig):
    name = "identitypools"
    verbose_name = "Identity pools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the cognito-identity operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from identitypools.operations import COGNITO_IDENTITY, OPERATIONS

        registry.register(COGNITO_IDENTITY, OPERATIONS)
