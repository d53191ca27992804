"""Cognito user import jobs through boto3 against the live server: GetCSVHeader, the pre-signed
upload, Start/Stop/Describe/List, per-line failures, resuming after a worker died."""
from __future__ import annotations

import time

import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import error_code
from userpools.models import User, UserImportJob, UserImportLine
from userpools.services import import_jobs

from .import_support import build_csv, upload, wait_for_status

pytestmark = pytest.mark.django_db(transaction=True)
ROLE = "arn:aws:iam::000000000000:role/CognitoImport"


@pytest.fixture
def base_url(settings, live_server):
    settings.PUBLIC_URL = live_server.url  # the pre-signed URL names the server that answers
    return live_server.url


@pytest.fixture
def import_pool(idp, base_url):
    return idp.create_user_pool(PoolName="imports", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]


def create_job(idp, pool_id: str, name: str = "import") -> dict:
    return idp.create_user_import_job(UserPoolId=pool_id, JobName=name, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]


def test_csv_header_is_cognitos(idp, import_pool):
    idp.add_custom_attributes(UserPoolId=import_pool, CustomAttributes=[{"Name": "tenant", "AttributeDataType": "String"}])
    header = idp.get_csv_header(UserPoolId=import_pool)
    assert header["UserPoolId"] == import_pool
    columns = header["CSVHeader"]
    assert columns[-2:] == ["cognito:mfa_enabled", "cognito:username"]
    assert {"email", "email_verified", "phone_number", "given_name", "custom:tenant"} <= set(columns)
    assert "sub" not in columns


def test_ten_thousand_users_import_with_per_line_failures(idp, import_pool):
    header = idp.get_csv_header(UserPoolId=import_pool)["CSVHeader"]
    body, expected = build_csv(header, 10_000)
    job = create_job(idp, import_pool)
    assert job["Status"] == "Created" and job["JobId"].startswith("import-")
    assert upload(job["PreSignedUrl"], body).status_code == 200

    began = time.monotonic()
    started = idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])["UserImportJob"]
    answered = time.monotonic() - began
    assert started["Status"] in ("Pending", "InProgress")  # answered before the work is done
    done = wait_for_status(idp, import_pool, job["JobId"], ("Succeeded", "Failed"), timeout=300)
    elapsed = time.monotonic() - began
    print(f"\nimported 10,000 lines in {elapsed:.1f} s ({10_000 / elapsed:.0f} lines/s); StartUserImportJob answered in {answered:.3f} s")
    failed = sum(1 for outcome, _ in expected.values() if outcome == "FAILED")
    skipped = sum(1 for outcome, _ in expected.values() if outcome == "SKIPPED")
    assert done["Status"] == "Succeeded", done
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (10_000 - failed - skipped, skipped, failed)
    assert done["CompletionMessage"] and done["StartDate"] <= done["CompletionDate"]
    assert User.objects.filter(pool_id=import_pool).count() == 10_000 - failed - skipped

    lines = {line.line_number: (line.outcome, line.message) for line in UserImportLine.objects.filter(job_id=job["JobId"])}
    assert set(lines) == set(expected)
    for number, (outcome, message) in expected.items():
        assert lines[number][0] == outcome and lines[number][1].startswith(message), (number, lines[number])

    user = idp.admin_get_user(UserPoolId=import_pool, Username="user000001")
    assert user["UserStatus"] == "RESET_REQUIRED"
    assert {"Name": "email", "Value": "user1@example.com"} in user["UserAttributes"]


def test_start_answers_before_the_job_is_done(idp, import_pool):
    header = idp.get_csv_header(UserPoolId=import_pool)["CSVHeader"]
    body, _ = build_csv(header, 3000, prefix="quick")
    job = create_job(idp, import_pool)
    upload(job["PreSignedUrl"], body)
    started = idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])["UserImportJob"]
    assert started["Status"] == "Pending"
    # Right after the answer the job has not finished: the work runs after the response.
    assert UserImportJob.objects.get(job_id=job["JobId"]).status in ("Pending", "InProgress")
    wait_for_status(idp, import_pool, job["JobId"], ("Succeeded",))


def test_stop_is_honoured_between_batches(idp, import_pool, settings):
    settings.USER_IMPORT_BATCH_SIZE = 50
    header = idp.get_csv_header(UserPoolId=import_pool)["CSVHeader"]
    body, _ = build_csv(header, 5000, prefix="stop")
    job = create_job(idp, import_pool)
    upload(job["PreSignedUrl"], body)
    idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])
    wait_for_status(idp, import_pool, job["JobId"], ("InProgress",))
    stopping = idp.stop_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])["UserImportJob"]
    assert stopping["Status"] in ("Stopping", "Stopped")
    stopped = wait_for_status(idp, import_pool, job["JobId"], ("Stopped",))
    handled = stopped["ImportedUsers"] + stopped["SkippedUsers"] + stopped["FailedUsers"]
    assert handled % 50 == 0 and handled < 5000  # whole batches only, and not all of them
    assert User.objects.filter(pool_id=import_pool).count() == stopped["ImportedUsers"]
    with pytest.raises(ClientError) as excinfo:
        idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])
    assert error_code(excinfo) == "PreconditionNotMetException"


def test_a_job_resumes_after_its_worker_died_without_duplicates(idp, import_pool):
    """A job whose progress says batch 2 was committed (its worker died in batch 3) is run again:
    it goes on from line 1,000 and never creates a user twice."""
    header = idp.get_csv_header(UserPoolId=import_pool)["CSVHeader"]
    body, expected = build_csv(header, 2500, prefix="resume")
    job = create_job(idp, import_pool)
    upload(job["PreSignedUrl"], body)
    # The worker's first two batches, committed as run_job commits them; then it died.
    UserImportJob.objects.filter(job_id=job["JobId"]).update(status="InProgress")
    assert import_jobs._commit_batch(job["JobId"], UserImportJob.objects.get(job_id=job["JobId"]).pool, 0,
                                     list(_first_records(job["JobId"], 1000))[:500])
    assert import_jobs._commit_batch(job["JobId"], UserImportJob.objects.get(job_id=job["JobId"]).pool, 500,
                                     list(_first_records(job["JobId"], 1000))[500:])
    assert UserImportJob.objects.get(job_id=job["JobId"]).lines_done == 1000
    import_jobs.run_job(job["JobId"], batch_size=500)  # what the redelivered task does
    import_jobs.run_job(job["JobId"], batch_size=500)  # a second redelivery does nothing
    done = idp.describe_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])["UserImportJob"]
    bad = len(expected)
    skipped = sum(1 for outcome, _ in expected.values() if outcome == "SKIPPED")
    assert done["Status"] == "Succeeded"
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (2500 - bad, skipped, bad - skipped)
    usernames = list(User.objects.filter(pool_id=import_pool).values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == 2500 - bad


def _first_records(job_id: str, count: int):
    import itertools

    return itertools.islice(import_jobs._records(UserImportJob.objects.select_related("pool").get(job_id=job_id)), count)


def test_presigned_url_is_signed_and_single_use(idp, import_pool, base_url):
    job = create_job(idp, import_pool)
    url = job["PreSignedUrl"]
    assert url.startswith(base_url)
    tampered = url.replace("signature=", "signature=0")
    assert requests.put(tampered, data=b"x", timeout=10).status_code == 403
    other = create_job(idp, import_pool, "other")
    assert requests.put(url.replace(job["JobId"], other["JobId"]), data=b"x", timeout=10).status_code == 403
    assert upload(url, b"cognito:username,cognito:mfa_enabled\n").status_code == 200
    idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])
    assert upload(url, b"cognito:username,cognito:mfa_enabled\n").status_code == 400  # started: no more uploads


def test_expired_upload_url_is_refused(idp, import_pool, settings):
    settings.USER_IMPORT_UPLOAD_SECONDS = -1
    job = create_job(idp, import_pool)
    response = upload(job["PreSignedUrl"], b"cognito:username,cognito:mfa_enabled\n")
    assert response.status_code == 403 and b"expired" in response.content


def test_unparseable_file_fails_the_job(idp, import_pool):
    job = create_job(idp, import_pool)
    upload(job["PreSignedUrl"], b"name,email\nbob,bob@example.com\n")
    idp.start_user_import_job(UserPoolId=import_pool, JobId=job["JobId"])
    failed = wait_for_status(idp, import_pool, job["JobId"], ("Failed",))
    assert "cognito:username" in failed["CompletionMessage"]


def test_list_and_describe(idp, import_pool):
    made = {create_job(idp, import_pool, f"job{index}")["JobId"] for index in range(3)}
    first = idp.list_user_import_jobs(UserPoolId=import_pool, MaxResults=2)
    second = idp.list_user_import_jobs(UserPoolId=import_pool, MaxResults=2, PaginationToken=first["PaginationToken"])
    assert "PaginationToken" not in second
    assert {job["JobId"] for job in first["UserImportJobs"] + second["UserImportJobs"]} == made
    with pytest.raises(ClientError) as excinfo:
        idp.describe_user_import_job(UserPoolId=import_pool, JobId="import-missing000")
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        idp.stop_user_import_job(UserPoolId=import_pool, JobId=next(iter(made)))
    assert error_code(excinfo) == "PreconditionNotMetException"
