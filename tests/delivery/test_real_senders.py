"""The real senders against real servers on this machine: SMTP (aiosmtpd), Amazon SNS (moto's
server, the same HTTP API boto3 speaks to AWS) and Twilio's Messages resource (a local endpoint that
checks what Twilio checks: the account in the path, Basic auth, the form). Each carries a sign-up
code that then confirms the user through boto3."""
from __future__ import annotations

import base64
import json
import re
import socket
import threading
import urllib.parse
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from userpools.delivery import sms

pytestmark = pytest.mark.django_db(transaction=True)
CODE = re.compile(r"\b(\d{6})\b")
PASSWORD = "Passw0rd!Passw0rd"


@pytest.fixture
def app_client(idp, pool_id):
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"]["ClientId"]


@pytest.fixture
def fresh_sender():
    sms.get_sms_sender.cache_clear()
    yield
    sms.get_sms_sender.cache_clear()


class _Inbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def test_mail_goes_out_over_smtp(settings, idp, pool_id, app_client):
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: the controller checks it can connect to what it starts
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
        idp.sign_up(ClientId=app_client, Username="mailed", Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": "m@example.com"}])
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == ["m@example.com"]
    code = CODE.search(inbox.messages[0].get_payload(decode=True).decode()).group(1)
    idp.confirm_sign_up(ClientId=app_client, Username="mailed", ConfirmationCode=code)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="mailed")["UserStatus"] == "CONFIRMED"


def test_texts_go_out_through_sns(settings, monkeypatch, fresh_sender, idp, pool_id, app_client):
    from moto.server import ThreadedMotoServer
    from moto.sns.models import sns_backends

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.setenv(name, "testing")
        settings.SMS_BACKEND = "userpools.delivery.sms.SnsSmsSender"
        settings.SMS_SNS_ENDPOINT_URL, settings.SMS_SNS_REGION = f"http://{host}:{port}", "eu-west-1"
        idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["phone_number"])
        idp.sign_up(ClientId=app_client, Username="texted", Password=PASSWORD, UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}])
        sent = list(sns_backends["123456789012"]["eu-west-1"].sms_messages.values())
    finally:
        server.stop()
    assert [phone for phone, _ in sent] == ["+15555550100"]
    idp.confirm_sign_up(ClientId=app_client, Username="texted", ConfirmationCode=CODE.search(sent[0][1]).group(1))
    assert idp.admin_get_user(UserPoolId=pool_id, Username="texted")["UserStatus"] == "CONFIRMED"


def test_an_unreachable_sns_is_a_delivery_error(settings, monkeypatch, fresh_sender):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.SMS_SNS_ENDPOINT_URL = "http://127.0.0.1:9"
    with pytest.raises(sms.SmsDeliveryError):
        sms.SnsSmsSender().send("+15555550100", "hello")


class _Twilio(BaseHTTPRequestHandler):
    """What Twilio's Messages resource checks of a call; accepted calls are kept."""

    received: list[dict] = []

    def do_POST(self):
        expected = "Basic " + base64.b64encode(b"AC123:token-1").decode()
        form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        if self.path != "/2010-04-01/Accounts/AC123/Messages.json" or self.headers["Authorization"] != expected:
            self._answer(401, {"code": 20003, "message": "Authenticate"})
        elif not form.get("To") or not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
            self._answer(400, {"code": 21604, "message": "A 'To' phone number is required."})
        else:
            _Twilio.received.append(form)
            self._answer(201, {"sid": "SM1", "status": "queued"})

    def _answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio(settings, fresh_sender):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Twilio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Twilio.received = []
    settings.SMS_BACKEND = "userpools.delivery.sms.TwilioSmsSender"
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER = "AC123", "token-1", "+15555550199"
    yield _Twilio
    server.shutdown()
    server.server_close()


def test_texts_go_out_through_twilio(twilio, idp, pool_id, app_client):
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["phone_number"])
    idp.sign_up(ClientId=app_client, Username="twilio", Password=PASSWORD, UserAttributes=[{"Name": "phone_number", "Value": "+15555550101"}])
    assert [(m["To"], m["From"]) for m in twilio.received] == [("+15555550101", "+15555550199")]
    idp.confirm_sign_up(ClientId=app_client, Username="twilio", ConfirmationCode=CODE.search(twilio.received[0]["Body"]).group(1))


def test_twilio_refusing_the_credentials_is_a_delivery_error(twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    with pytest.raises(sms.SmsDeliveryError, match="HTTP 401"):
        sms.TwilioSmsSender().send("+15555550101", "hello")
    assert twilio.received == []


def test_twilio_without_credentials_is_a_configuration_error(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ValueError, match="TWILIO_ACCOUNT_SID"):
        sms.TwilioSmsSender()
