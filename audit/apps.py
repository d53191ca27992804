from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        """Register CloudTrail's operations and store every call the pipeline records."""
        from audit import services
        from audit.operations import CLOUDTRAIL, OPERATIONS
        from awsapi import audit, registry

        registry.register(CLOUDTRAIL, OPERATIONS)
        audit.add_receiver(services.receive, required=True)
