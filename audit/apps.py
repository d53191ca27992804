from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        """Register CloudTrail's operations, store every call the pipeline records, and have a
        worker the watchdog ends write its queued records first."""
        from audit import services, write_behind
        from audit.operations import CLOUDTRAIL, OPERATIONS
        from awsapi import audit, registry
        from core import watchdog

        registry.register(CLOUDTRAIL, OPERATIONS)
        audit.add_receiver(services.receive, required=True)
        watchdog.before_exit(lambda: write_behind.writer.flush(write_behind.FLUSH_TIMEOUT_SECONDS))
