"""Plain HTTP calls to a server the test started: JSON 1.1 requests and Prometheus scrapes."""
from __future__ import annotations

import json

import boto3
import requests
from botocore.config import Config
from prometheus_client.parser import text_string_to_metric_families

from tests.ops.servers import ROOT_KEY_ID, ROOT_SECRET


def aws_client(url: str, service: str = "cognito-idp"):
    return boto3.client(
        service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=ROOT_KEY_ID, aws_secret_access_key=ROOT_SECRET,
        config=Config(retries={"max_attempts": 1}),
    )


def call(url: str, operation: str, body: dict, source_ip: str | None = None) -> requests.Response:
    """An unsigned cognito-idp call on a fresh HTTP connection (so calls spread over the workers)."""
    headers = {"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}", "Content-Type": "application/x-amz-json-1.1",
               "Connection": "close"}
    if source_ip:
        headers["X-Forwarded-For"] = source_ip
    return requests.post(url + "/", data=json.dumps(body), headers=headers, timeout=30)


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = requests.get(url + "/metrics", timeout=10)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text) for sample in family.samples
    }
