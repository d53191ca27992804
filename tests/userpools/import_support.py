"""Helpers for user import tests: a Cognito-style CSV with good and bad lines, and waiting for a job."""
from __future__ import annotations

import csv
import io
import time

import requests

# Lines (1-based, header = 1) that must fail or be skipped, with Cognito's log messages.
BAD_EVERY = 1000  # one bad line of each kind per thousand


def build_csv(header: list[str], count: int, *, prefix: str = "user") -> tuple[bytes, dict[int, tuple[str, str]]]:
    """`count` data lines; a few per thousand are bad. Returns the file and {line: (outcome, message start)}."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    expected: dict[int, tuple[str, str]] = {}
    for index in range(count):
        line = index + 2
        row = {name: "" for name in header}
        row.update({"cognito:username": f"{prefix}{index:06d}", "email": f"{prefix}{index}@example.com", "email_verified": "true",
                    "cognito:mfa_enabled": "false", "given_name": f"Given{index}"})
        kind = index % BAD_EVERY
        if kind == 11:
            row["email"] = "not-an-email"
            expected[line] = ("FAILED", "Invalid email address format.")
        elif kind == 22:
            row["email_verified"] = "false"
            expected[line] = ("FAILED", "The User Record does not set any of the auto verified attributes to true.")
        elif kind == 33:
            row["cognito:username"] = f"{prefix}{index - 1:06d}"  # the line before's user again
            expected[line] = ("SKIPPED", "The user already exists.")
        elif kind == 44:
            row["cognito:mfa_enabled"] = "maybe"
            expected[line] = ("FAILED", "cognito:mfa_enabled must be true or false.")
        writer.writerow(row)
    return out.getvalue().encode(), expected


def upload(url: str, body: bytes) -> requests.Response:
    """PUT the file to the pre-signed URL the way Cognito's guide shows it for S3."""
    return requests.put(url, data=body, headers={"x-amz-server-side-encryption": "aws:kms", "Content-Type": "text/csv"}, timeout=60)


def wait_for_status(idp, pool_id: str, job_id: str, statuses: tuple[str, ...], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        if job["Status"] in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {job['Status']} after {timeout} s: {job}")
        time.sleep(0.2)
