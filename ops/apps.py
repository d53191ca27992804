from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        """Count every AWS call in the metrics, register the `check --deploy` checks, and make the
        shared cache's table whenever `migrate` runs (its own post-migrate hooks use the cache)."""
        from awsapi import audit
        from ops import call_metrics, checks  # noqa: F401 - importing registers the checks

        audit.add_receiver(call_metrics.receive)
        pre_migrate.connect(_create_cache_table, dispatch_uid="ops-create-cache-table")


def _create_cache_table(**kwargs: Any) -> None:
    from django.core.cache import caches
    from django.core.management import call_command

    from core.shared_cache import CACHE_DATABASE_ALIAS, SharedDatabaseCache

    if isinstance(caches["default"], SharedDatabaseCache):
        call_command("createcachetable", database=CACHE_DATABASE_ALIAS, verbosity=0)
