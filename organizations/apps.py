from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the Organizations operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from iam.services import authorization
        from organizations import services
        from organizations.operations import OPERATIONS, ORGANIZATIONS

        registry.register(ORGANIZATIONS, OPERATIONS)
        authorization.set_scp_source(services.effective_scps)  # SCPs bound every principal but root
        # A migrate or a flush (tests) may change the stored SCPs behind the services' back.
        post_migrate.connect(services.forget_cached_scps, dispatch_uid="organizations-scps")
