from django.apps import AppConfig


class UserpoolsConfig(AppConfig):
    name = "userpools"
    verbose_name = "User pools"

    def ready(self) -> None:
        """Register the user-pool operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from userpools.api.operations import COGNITO_IDP, OPERATIONS

        registry.register(COGNITO_IDP, OPERATIONS)
