from django.apps import AppConfig


class UserpoolsConfig(AppConfig):
    name = "userpools"
    verbose_name = "User pools"

    def ready(self) -> None:
        """Register the user-pool operations with the AWS API, and the pools as web-identity
        issuers with STS (explicitly, not by import)."""
        from awsapi import registry
        from iam.services import web_identity
        from userpools.api.operations import COGNITO_IDP, OPERATIONS
        from userpools.services.web_identity import verify_id_token

        registry.register(COGNITO_IDP, OPERATIONS)
        web_identity.register_issuer(verify_id_token)
