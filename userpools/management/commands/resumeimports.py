"""`python manage.py resumeimports [--idle-seconds N]`: run again the user import jobs whose
worker went away (no batch committed for N seconds): a server restarted mid-job without a broker,
or a task the broker lost. Each resumes after its last committed batch; none creates a user twice."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outbox import dispatch
from userpools.services import import_jobs


class Command(BaseCommand):
    help = "Resume user import jobs that stopped making progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--idle-seconds", type=int, default=600, help="how long without a committed batch counts as stalled")
        parser.add_argument("--wait", action="store_true", help="run the jobs in this process and return when they end")

    def handle(self, *args: Any, **options: Any) -> None:
        for job_id in import_jobs.stalled_jobs(options["idle_seconds"]):
            if options["wait"] or not dispatch.uses_broker():  # a thread would die with this command
                import_jobs.run_job(job_id)
            else:
                import_jobs.dispatch(job_id)
            self.stdout.write(f"Resumed {job_id}")
