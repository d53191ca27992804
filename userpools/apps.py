from django.apps import AppConfig


class UserpoolsConfig(AppConfig):
    name = "userpools"
    verbose_name = "User pools"

    def ready(self) -> None:
        """Register the user-pool operations with the AWS API, and the pools as web-identity
        issuers with STS, and its mail and SMS as outbox kinds (explicitly, not by import)."""
        from awsapi import registry
        from iam.services import web_identity
        from outbox import registry as outbox
        from userpools.api.operations import COGNITO_IDP, OPERATIONS
        from userpools.delivery import transport
        from userpools.services.web_identity import verify_id_token

        registry.register(COGNITO_IDP, OPERATIONS)
        web_identity.register_issuer(verify_id_token)
        outbox.register(transport.EMAIL_KIND, transport.email_from_outbox, transport.MAX_ATTEMPTS)
        outbox.register(transport.SMS_KIND, transport.sms_from_outbox, transport.MAX_ATTEMPTS)
