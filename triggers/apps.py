from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "triggers"
    verbose_name = "Triggers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from outbox import registry as outbox
        from triggers import attempts, records, registry
        from triggers.conf import trigger_settings

        registry.connect_signals()
        records.connect_signals()
        # Asynchronous triggers travel through the outbox, with Cognito's attempts.
        outbox.register(attempts.ASYNC_TRIGGER, attempts.attempt_from_outbox, lambda: trigger_settings().attempts)
