"""User import jobs on a real Celery worker over Redis and PostgreSQL (skipped without them,
unless CI=true): the job runs on the worker, and a job whose worker was killed mid-way is resumed
by another and finishes without creating anyone twice."""
from __future__ import annotations

import signal
import time

import pytest
from django.core.management import call_command

from config.celery import app
from tests.triggers.worker import Worker, purge_queues, require_worker_services
from userpools.models import User, UserImportJob

from .import_support import build_csv, upload, wait_for_status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]
ROLE = "arn:aws:iam::000000000000:role/CognitoImport"


@pytest.fixture
def on_workers(transactional_db, settings, live_server, monkeypatch):
    require_worker_services()
    settings.PUBLIC_URL = live_server.url
    monkeypatch.setenv("USER_IMPORT_BATCH_SIZE", "100")  # the worker's batches: many, so it can die between them
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    purge_queues()
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
        purge_queues()


def start_job(idp, count: int, prefix: str) -> tuple[str, str, dict]:
    pool_id = idp.create_user_pool(PoolName="worker-imports", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    header = idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    body, expected = build_csv(header, count, prefix=prefix)
    job = idp.create_user_import_job(UserPoolId=pool_id, JobName="worker", CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    assert upload(job["PreSignedUrl"], body).status_code == 200
    started = idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
    assert started["Status"] == "Pending"
    return pool_id, job["JobId"], expected


def test_import_job_runs_on_the_worker(on_workers, idp, tmp_path):
    worker = Worker(tmp_path / "worker.log")
    worker.start()
    try:
        pool_id, job_id, expected = start_job(idp, 3000, "onworker")
        done = wait_for_status(idp, pool_id, job_id, ("Succeeded", "Failed"), timeout=180)
    finally:
        worker.stop()
    assert done["Status"] == "Succeeded", done
    assert done["ImportedUsers"] + done["SkippedUsers"] + done["FailedUsers"] == 3000
    assert done["FailedUsers"] + done["SkippedUsers"] == len(expected)
    assert "run_user_import_job" in (tmp_path / "worker.log").read_text()


def test_a_job_whose_worker_was_killed_resumes_on_another(on_workers, idp, tmp_path):
    first = Worker(tmp_path / "first.log")
    first.start()
    pool_id, job_id, expected = start_job(idp, 6000, "killed")
    deadline = time.monotonic() + 120
    while UserImportJob.objects.get(job_id=job_id).lines_done < 300:
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.05)
    first.process.send_signal(signal.SIGKILL)  # dies mid-job: no warm shutdown, no ack
    first.process.wait()
    first.process = None
    stalled = UserImportJob.objects.get(job_id=job_id)
    assert stalled.status == "InProgress" and 300 <= stalled.lines_done < 6000
    assert User.objects.filter(pool_id=pool_id).count() == stalled.imported_users  # the open batch was rolled back

    second = Worker(tmp_path / "second.log")
    second.start()
    try:
        call_command("resumeimports", idle_seconds=0)
        done = wait_for_status(idp, pool_id, job_id, ("Succeeded", "Failed"), timeout=240)
    finally:
        second.stop()
    assert done["Status"] == "Succeeded", done
    assert (done["ImportedUsers"] + done["SkippedUsers"] + done["FailedUsers"]) == 6000
    usernames = list(User.objects.filter(pool_id=pool_id).values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == done["ImportedUsers"] == 6000 - len(expected)
