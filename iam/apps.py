from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "iam"
    verbose_name = "IAM"

    def ready(self) -> None:
        """Register the IAM and STS operations with the AWS API, and make every change to what
        a policy set is compiled from forget the compiled sets (explicitly, not by import)."""
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from awsapi import registry
        from core.generation import connect_request_signals
        from iam import models
        from iam.operations import IAM, IAM_OPERATIONS, STS, STS_OPERATIONS
        from iam.services.authorization import invalidate

        registry.register(IAM, IAM_OPERATIONS)
        connect_request_signals()
        registry.register(STS, STS_OPERATIONS)

        for model in (models.Principal, models.Group, models.Role, models.ManagedPolicy, models.PolicyVersion, models.InlinePolicy, models.AccessKey):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"iam-invalidate-save-{model.__name__}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"iam-invalidate-delete-{model.__name__}")
        for through in (
            models.Group.members.through,
            models.ManagedPolicy.users.through,
            models.ManagedPolicy.groups.through,
            models.ManagedPolicy.roles.through,
        ):
            m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"iam-invalidate-m2m-{through.__name__}")
        # A migrate or a flush (tests) changes the tables without a signal per row.
        post_migrate.connect(invalidate, dispatch_uid="iam-invalidate-migrate")
