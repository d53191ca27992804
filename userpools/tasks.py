"""Celery tasks of user pools that are not deliveries: user import jobs. JSON values only."""
from __future__ import annotations

from celery import shared_task

from userpools.services import import_jobs


# acks_late + reject_on_worker_lost: a job whose worker dies goes back to the queue, and the
# rerun resumes after the job's last committed batch.
@shared_task(name=import_jobs.TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_user_import_job(job_id: str) -> None:
    """Run or resume one user import job."""
    import_jobs.run_job(job_id)
