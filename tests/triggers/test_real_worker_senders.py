"""A custom email sender on a real Celery worker over Redis (PostgreSQL): SignUp through boto3 queues
the sender; the worker's handler decrypts the code through the server's KMS endpoint and "sends" it;
the code confirms the user. Skipped without REDIS_URL and PostgreSQL, as the other worker tests."""
from __future__ import annotations

import json

import pytest

from tests.triggers.sender_plugins import PLUGINS
from tests.triggers.test_real_worker import on_workers, wait_for  # noqa: F401  (fixture)
from tests.triggers.worker import Worker
from tests.userpools.signin_support import PASSWORD, _fresh_throttle_counters, make_client  # noqa: F401
from triggers.models import TriggerInvocation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab"


def test_sender_runs_on_the_worker_and_decrypts_through_kms(on_workers, live_server, settings, monkeypatch, tmp_path, idp, unsigned_idp):
    outbox = tmp_path / "outbox.jsonl"
    for name, value in {"KEY_ARN": KEY_ARN, "SENDER_OUTBOX": str(outbox), "AWS_ENDPOINT_URL_KMS": live_server.url,
                        "AWS_ACCESS_KEY_ID": settings.ROOT_ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": settings.ROOT_SECRET_ACCESS_KEY}.items():
        monkeypatch.setenv(name, value)
    worker = Worker(tmp_path / "worker.log", plugins=PLUGINS)
    worker.start()
    try:
        sender = {"LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:send_to_outbox"}
        pool_id = idp.create_user_pool(PoolName="worker-senders", AutoVerifiedAttributes=["email"],
                                       LambdaConfig={"CustomEmailSender": sender, "KMSKeyID": KEY_ARN})["UserPool"]["Id"]
        client_id = make_client(idp, pool_id)["ClientId"]
        unsigned_idp.sign_up(ClientId=client_id, Username="wes", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "wes@example.com"}])
        wait_for(lambda: outbox.exists() and outbox.read_text().strip())
    finally:
        worker.stop()
    sent = json.loads(outbox.read_text().splitlines()[-1])
    assert (sent["triggerSource"], sent["userName"]) == ("CustomEmailSender_SignUp", "wes")
    unsigned_idp.confirm_sign_up(ClientId=client_id, Username="wes", ConfirmationCode=sent["secret"])
    assert idp.admin_get_user(UserPoolId=pool_id, Username="wes")["UserStatus"] == "CONFIRMED"
    assert TriggerInvocation.objects.get(trigger_source="CustomEmailSender_SignUp").outcome == "SUCCESS"
