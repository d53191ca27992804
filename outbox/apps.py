from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """A Celery worker also relays the outbox from a thread of its own (see relay_loop)."""
        from outbox import relay_loop

        relay_loop.connect_signals()
