from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "iam"
    verbose_name = "IAM"

    def ready(self) -> None:
        """Register the IAM and STS operations with the AWS API (explicitly, not by import)."""
        from awsapi import registry
        from iam.operations import IAM, IAM_OPERATIONS, STS, STS_OPERATIONS

        registry.register(IAM, IAM_OPERATIONS)
        registry.register(STS, STS_OPERATIONS)
