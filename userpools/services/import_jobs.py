"""User import jobs, as Cognito runs them: create (with a pre-signed upload URL), upload the
CSV, start, stop, describe, list; the job itself runs on a Celery worker in batches.

Each batch of lines is one transaction that writes its users, its skipped/failed lines and the
job's progress together, so a job whose worker died resumes after its last committed batch and
no user is created twice. A stop request is honoured between batches. Without a broker the job
runs in a background thread started once the starting request has committed, so that
StartUserImportJob always answers at once.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import logging
import secrets
import string
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from core import pagination
from core.errors import InvalidParameterException, NotAuthorizedException, PreconditionNotMetException, ResourceNotFoundException
from outbox.dispatch import uses_broker
from userpools.domain import attribute_values, import_csv
from userpools.models import UserImportJob, UserImportLine, UserImportUpload, UserPool
from userpools.services import user_rows
from userpools.services.pools import get_pool

log = logging.getLogger(__name__)

TASK_NAME = "userpools.run_user_import_job"
SUCCEEDED_MESSAGE = "Import Job Completed Successfully."
STOPPED_MESSAGE = "Import Job Stopped by the user."
SQLITE_PAUSE_BETWEEN_BATCHES = 0.1  # seconds; see _let_other_writers_in
_ID_ALPHABET = string.ascii_letters + string.digits
_ACTIVE = (UserImportJob.PENDING, UserImportJob.IN_PROGRESS)


# --- the CSV header and the job's shape -----------------------------------------------------

def csv_header(pool_id: str) -> list[str]:
    """GetCSVHeader: the columns of an import file for this pool."""
    return import_csv.header(attribute_values.schema_by_name(get_pool(pool_id).config).values())


def _signature(job_id: str, expires: int) -> str:
    key = hashlib.sha256(f"user-import-upload:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{job_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def presigned_url(job: UserImportJob) -> str:
    """The URL that takes the job's CSV by HTTP PUT until it expires (HMAC-signed, like S3's)."""
    expires = int(job.upload_expires_at.timestamp())
    query = urlencode({"expires": expires, "signature": _signature(job.job_id, expires)})
    return f"{settings.PUBLIC_URL}/user-import-uploads/{job.job_id}?{query}"


def job_type(job: UserImportJob) -> dict:
    """The UserImportJobType shape."""
    shaped = {
        "JobName": job.name,
        "JobId": job.job_id,
        "UserPoolId": job.pool_id,
        "PreSignedUrl": presigned_url(job),
        "CreationDate": job.created,
        "Status": job.status,
        "CloudWatchLogsRoleArn": job.cloudwatch_logs_role_arn,
        "ImportedUsers": job.imported_users,
        "SkippedUsers": job.skipped_users,
        "FailedUsers": job.failed_users,
    }
    if job.started:
        shaped["StartDate"] = job.started
    if job.completed:
        shaped["CompletionDate"] = job.completed
    if job.completion_message:
        shaped["CompletionMessage"] = job.completion_message
    return shaped


# --- the operations -----------------------------------------------------------------------------

def create_job(pool_id: str, name: str, role_arn: str) -> UserImportJob:
    """CreateUserImportJob: a job in Created, waiting for its CSV at the pre-signed URL."""
    pool = get_pool(pool_id)
    job_id = "import-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
    expires = timezone.now() + timedelta(seconds=settings.USER_IMPORT_UPLOAD_SECONDS)
    return UserImportJob.objects.create(job_id=job_id, pool=pool, name=name, cloudwatch_logs_role_arn=role_arn,
                                        upload_expires_at=expires.replace(microsecond=0))


def get_job(pool_id: str, job_id: str, *, lock: bool = False) -> UserImportJob:
    get_pool(pool_id)
    query = UserImportJob.objects.select_for_update() if lock else UserImportJob.objects
    try:
        return query.get(pool_id=pool_id, job_id=job_id)
    except UserImportJob.DoesNotExist:
        raise ResourceNotFoundException(f"Import job {job_id} does not exist.") from None


def list_jobs(pool_id: str, limit: int, token: str | None) -> tuple[list[UserImportJob], str | None]:
    """ListUserImportJobs, one keyset page."""
    get_pool(pool_id)
    return pagination.keyset_page(UserImportJob.objects.filter(pool_id=pool_id), "job_id", limit, f"import-jobs:{pool_id}", token)


@transaction.atomic
def start_job(pool_id: str, job_id: str) -> UserImportJob:
    """StartUserImportJob: Pending at once; the work is queued once this transaction commits."""
    job = get_job(pool_id, job_id, lock=True)
    if job.status != UserImportJob.CREATED:
        raise PreconditionNotMetException(f"Import job {job_id} cannot be started: its status is {job.status}.")
    job.status = UserImportJob.PENDING
    job.started = timezone.now()
    job.save(update_fields=["status", "started"])
    transaction.on_commit(lambda: dispatch(job.job_id))
    return job


@transaction.atomic
def stop_job(pool_id: str, job_id: str) -> UserImportJob:
    """StopUserImportJob: a running job stops after its current batch (Stopping, then Stopped)."""
    job = get_job(pool_id, job_id, lock=True)
    if job.status not in _ACTIVE:
        raise PreconditionNotMetException(f"Import job {job_id} cannot be stopped: its status is {job.status}.")
    if job.status == UserImportJob.PENDING:  # no batch has run: nothing to wait for
        _finish(job, UserImportJob.STOPPED, STOPPED_MESSAGE)
    else:
        job.status = UserImportJob.STOPPING
        job.save(update_fields=["status"])
    return job


def job_lines(pool_id: str, job_id: str, limit: int, token: str | None) -> tuple[list[UserImportLine], str | None]:
    """The job's skipped and failed lines with their messages, by line number (one keyset page)."""
    job = get_job(pool_id, job_id)
    return pagination.keyset_page(job.lines.all(), "line_number", limit, f"import-lines:{job_id}", token)


# --- the upload -------------------------------------------------------------------------------

@transaction.atomic
def receive_upload(job_id: str, expires: str, signature: str, chunks: Iterable[bytes]) -> None:
    """The CSV PUT to the pre-signed URL: checked, size-limited, stored for the worker."""
    try:
        expires_at = int(expires)
    except ValueError:
        raise NotAuthorizedException("The upload URL is not valid.") from None
    job = UserImportJob.objects.select_for_update().filter(job_id=job_id).first()
    if job is None or not hmac.compare_digest(_signature(job_id, expires_at), signature) or expires_at != int(job.upload_expires_at.timestamp()):
        raise NotAuthorizedException("The upload URL is not valid.")
    if timezone.now().timestamp() > expires_at:
        raise NotAuthorizedException("The upload URL has expired.")
    if job.status != UserImportJob.CREATED:
        raise PreconditionNotMetException(f"Import job {job_id} has already started.")
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > settings.USER_IMPORT_MAX_BYTES:
            raise InvalidParameterException(f"The CSV file exceeds {settings.USER_IMPORT_MAX_BYTES} bytes.")
    UserImportUpload.objects.update_or_create(job=job, defaults={"content": buffer.getvalue()})
    job.uploaded_bytes = buffer.tell()
    job.save(update_fields=["uploaded_bytes"])


# --- running a job ------------------------------------------------------------------------------

def dispatch(job_id: str) -> None:
    """Queue the job on a worker, or without one run it in a thread of this process."""
    if uses_broker():
        from config.celery import app

        app.send_task(TASK_NAME, args=[job_id])
        return
    threading.Thread(target=_run_in_thread, args=(job_id,), name=f"user-import-{job_id}", daemon=True).start()


def _run_in_thread(job_id: str) -> None:
    try:
        run_job(job_id)
    except Exception:  # a thread has no caller to report to; the job is marked Failed in run_job
        log.exception("User import job %s failed", job_id)
    finally:
        connections.close_all()


def _finish(job: UserImportJob, status: str, message: str) -> None:
    job.status, job.completion_message, job.completed = status, message[:128], timezone.now()
    job.save(update_fields=["status", "completion_message", "completed"])


def _claim(job_id: str) -> UserImportJob | None:
    """The job, moved to InProgress; None when it is not (or no longer) to be run."""
    with transaction.atomic():
        job = UserImportJob.objects.select_for_update().filter(job_id=job_id).select_related("pool").first()
        if job is None or job.status not in (*_ACTIVE, UserImportJob.STOPPING):
            return None
        if job.status == UserImportJob.STOPPING:
            _finish(job, UserImportJob.STOPPED, STOPPED_MESSAGE)
            return None
        if job.status == UserImportJob.PENDING:
            job.status = UserImportJob.IN_PROGRESS
            job.save(update_fields=["status"])
        return job


def _records(job: UserImportJob) -> Iterator[user_rows.UserRecord]:
    upload = UserImportUpload.objects.filter(job=job).first()
    if upload is None:
        raise import_csv.BadHeader("No CSV file was uploaded to the job's pre-signed URL.")
    text = io.TextIOWrapper(io.BytesIO(bytes(upload.content)), encoding="utf-8-sig", newline="")
    known = set(attribute_values.schema_by_name(job.pool.config))
    for row in import_csv.read(text, known):
        record = user_rows.UserRecord(line_number=row.line_number, username=row.username, attributes=row.attributes,
                                      password_hash=row.password_hash or None, require_auto_verified=True)
        if row.mfa_enabled not in ("true", "false"):
            record.error = "cognito:mfa_enabled must be true or false."
        record.mfa = {"sms_mfa_enabled": row.mfa_enabled == "true"}
        yield record


def run_job(job_id: str, batch_size: int | None = None) -> None:
    """Run (or resume) a job: batches of lines after the last committed one, until the file
    ends or a stop is requested. Safe to call twice: a batch commits only if the job's progress
    is still where this run read it."""
    job = _claim(job_id)
    if job is None:
        return
    size = batch_size or settings.USER_IMPORT_BATCH_SIZE
    try:
        records = _records(job)
        position = job.lines_done
        remaining = itertools.islice(records, position, None)
        while batch := list(itertools.islice(remaining, size)):
            if not _commit_batch(job.job_id, job.pool, position, batch):
                return
            position += len(batch)
            _let_other_writers_in()
    except (import_csv.BadHeader, UnicodeDecodeError) as exc:
        _fail(job_id, f"The CSV file could not be parsed: {exc}")
        return
    except Exception:
        _fail(job_id, "The import job failed with an internal error.")
        raise
    with transaction.atomic():
        job = UserImportJob.objects.select_for_update().get(job_id=job_id)
        if job.status == UserImportJob.IN_PROGRESS and job.lines_done == position:
            _finish(job, UserImportJob.SUCCEEDED, SUCCEEDED_MESSAGE)
        elif job.status == UserImportJob.STOPPING:
            _finish(job, UserImportJob.STOPPED, STOPPED_MESSAGE)


def _let_other_writers_in() -> None:
    """SQLite has one write lock, and a writer waiting for it polls, sleeping up to 100 ms between
    tries: without a pause between batches a job would hold every API call (each writes its audit
    event) until the job ends. PostgreSQL locks rows and needs none."""
    if connection.vendor == "sqlite":
        time.sleep(SQLITE_PAUSE_BETWEEN_BATCHES)


def _fail(job_id: str, message: str) -> None:
    with transaction.atomic():
        job = UserImportJob.objects.select_for_update().get(job_id=job_id)
        if job.status in (*_ACTIVE, UserImportJob.STOPPING):
            _finish(job, UserImportJob.FAILED, message)


def _commit_batch(job_id: str, pool: UserPool, position: int, batch: list[user_rows.UserRecord]) -> bool:
    """Write one batch with the job's progress; False when the job is to go no further."""
    with transaction.atomic():
        job = UserImportJob.objects.select_for_update().get(job_id=job_id)
        if job.status == UserImportJob.STOPPING:
            _finish(job, UserImportJob.STOPPED, STOPPED_MESSAGE)
            return False
        if job.status != UserImportJob.IN_PROGRESS or job.lines_done != position:
            return False  # stopped, failed, or another run of this job got here first
        outcomes = user_rows.create_users(pool, batch)
        counts = {result: sum(1 for outcome in outcomes if outcome.result == result) for result in (user_rows.SUCCEEDED, user_rows.SKIPPED, user_rows.FAILED)}
        UserImportLine.objects.bulk_create([
            UserImportLine(job=job, line_number=outcome.line_number, outcome=outcome.result, message=outcome.message[:512])
            for outcome in outcomes if outcome.result != user_rows.SUCCEEDED
        ])
        job.imported_users += counts[user_rows.SUCCEEDED]
        job.skipped_users += counts[user_rows.SKIPPED]
        job.failed_users += counts[user_rows.FAILED]
        job.lines_done = position + len(batch)
        job.heartbeat = timezone.now()
        job.save(update_fields=["imported_users", "skipped_users", "failed_users", "lines_done", "heartbeat"])
        return True


def stalled_jobs(idle_seconds: int) -> list[str]:
    """Jobs InProgress with no batch committed for `idle_seconds` (their worker likely died)."""
    cutoff = timezone.now() - timedelta(seconds=idle_seconds)
    query = UserImportJob.objects.filter(status__in=[*_ACTIVE, UserImportJob.STOPPING])
    return [job.job_id for job in query if (job.heartbeat or job.started or job.created) < cutoff]
