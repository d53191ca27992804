from django.apps import AppConfig


class UserpoolsConfig(AppConfig):
    name = "userpools"
    verbose_name = "User pools"

    def ready(self) -> None:
        """Register the user-pool operations with the AWS API, and the pools as web-identity
        issuers with STS, its mail and SMS as outbox kinds, and make changes to pools, clients and
        signing keys reach every process's cache (explicitly, not by import)."""
        from django.db.models.signals import post_delete, post_migrate, post_save

        from awsapi import registry
        from core.generation import connect_request_signals
        from iam.services import web_identity
        from outbox import registry as outbox
        from userpools import config_cache
        from userpools.api.operations import COGNITO_IDP, OPERATIONS
        from userpools.delivery import transport
        from userpools.services.web_identity import verify_id_token

        registry.register(COGNITO_IDP, OPERATIONS)
        connect_request_signals()
        web_identity.register_issuer(verify_id_token)
        outbox.register(transport.EMAIL_KIND, transport.email_from_outbox, transport.MAX_ATTEMPTS)
        outbox.register(transport.SMS_KIND, transport.sms_from_outbox, transport.MAX_ATTEMPTS)
        for model in config_cache.CACHED_MODELS:
            post_save.connect(config_cache.changed, sender=model, dispatch_uid=f"userpools-config-save-{model.__name__}")
            post_delete.connect(config_cache.changed, sender=model, dispatch_uid=f"userpools-config-delete-{model.__name__}")
        # A migrate or a flush (tests) changes the tables without a signal per row.
        post_migrate.connect(config_cache.changed, dispatch_uid="userpools-config-migrate")
