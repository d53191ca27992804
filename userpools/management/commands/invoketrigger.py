"""`python manage.py invoketrigger <pool> <TriggerSource> --event file.json`: run a pool's trigger
on a sample event the way the service would (same envelope, runner, timeout, errors and record)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ServiceError
from triggers import runner
from triggers.conf import trigger_settings
from triggers.models import TriggerInvocation
from userpools.events import senders
from userpools.models import UserPool


class Command(BaseCommand):
    help = "Invoke a user pool's trigger on a sample event and print the function's response."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pool_id")
        parser.add_argument("trigger_source", help="e.g. PreSignUp_SignUp, TokenGeneration_Authentication")
        parser.add_argument(
            "--event", required=True,
            help="JSON file ('-' for stdin): a whole Cognito event (its request, userName, callerContext "
            "and response are used) or just the request member",
        )
        parser.add_argument("--user-name", help="overrides the event's userName")
        parser.add_argument("--client-id", help="overrides the event's callerContext.clientId")
        parser.add_argument("--secret", help="for CustomEmailSender_*/CustomSMSSender_*: the code to encrypt into request.code")

    def handle(self, *args: Any, **options: Any) -> None:
        pool = UserPool.objects.filter(id=options["pool_id"]).first()
        if pool is None:
            raise CommandError(f"User pool {options['pool_id']} does not exist.")
        source = options["trigger_source"]
        if runner.configured_function(pool, runner.config_key_for(source)) is None:
            raise CommandError(f"{pool.id} has no function for {runner.config_key_for(source)} in its LambdaConfig.")
        event = _read_event(options["event"])
        is_event = isinstance(event.get("request"), dict)
        request = event["request"] if is_event else event
        caller = (event.get("callerContext") or {}) if is_event else {}
        if senders.is_sender_source(source):
            self._send(pool, source, request, event, options)
            return
        try:
            response = runner.invoke(
                pool, source, request,
                user_name=options["user_name"] or (event.get("userName") if is_event else None),
                client_id=options["client_id"] or caller.get("clientId"),
                response=event.get("response") if is_event else None,
            )
        except ServiceError as error:
            raise CommandError(f"{error.error_type}: {error.message}") from None
        self.stdout.write(json.dumps(response, indent=2, sort_keys=True))

    def _send(self, pool: UserPool, source: str, request: dict, event: dict, options: dict[str, Any]) -> None:
        """Senders run asynchronously, as the service runs them: queued, then retried on failure."""
        if not options["secret"]:
            raise CommandError(f"{source} needs --secret, the code the handler should decrypt.")
        request = senders.sender_request(pool, source, options["secret"], request.get("userAttributes") or {}, request.get("clientMetadata"))
        user_name = options["user_name"] or event.get("userName")
        runner.invoke(pool, source, request, user_name=user_name, client_id=options["client_id"],
                      synchronous=False, lambda_config_key=runner.config_key_for(source))
        latest = TriggerInvocation.objects.filter(pool_id=pool.id, trigger_source=source).order_by("-id").first()
        outcome = f"{latest.outcome} {latest.error}".strip() if latest and not trigger_settings().use_workers else "queued"
        self.stdout.write(f"{source}: {outcome}")


def _read_event(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        event = json.loads(text)
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read the event: {error}") from None
    if not isinstance(event, dict):
        raise CommandError("The event must be a JSON object.")
    return event
