from django.apps import AppConfig


class KmsConfig(AppConfig):
    name = "kms"
    verbose_name = "KMS"

    def ready(self) -> None:
        """Register the KMS operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from kms.operations import KMS, OPERATIONS

        registry.register(KMS, OPERATIONS)
