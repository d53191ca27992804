"""Messages to users: invitations from AdminCreateUser, rendered from the pool's templates.

Services call `send_invitation` inside their transaction; delivery is queued with
`transaction.on_commit`, so a rolled-back request never mails anyone. The Celery tasks in
`userpools.tasks` call `deliver_email` / `deliver_sms`, which use Django's mail backend and
the configured SMS sender. Passwords are never logged here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.html import strip_tags

from triggers.events import CustomMessage
from userpools.models import UserPool
from userpools.sms import get_sms_sender

log = logging.getLogger(__name__)

PASSWORD_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"
DEFAULT_INVITE_SUBJECT = "Your temporary password"
DEFAULT_INVITE_MESSAGE = "Your username is {username} and temporary password is {####}."
EMAIL = "EMAIL"
SMS = "SMS"


@dataclass(frozen=True)
class Invitation:
    email_subject: str
    email_message: str
    sms_message: str


def invitation_template(pool: UserPool) -> Invitation:
    template = (pool.config.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    return Invitation(
        email_subject=template.get("EmailSubject") or DEFAULT_INVITE_SUBJECT,
        email_message=template.get("EmailMessage") or DEFAULT_INVITE_MESSAGE,
        sms_message=template.get("SMSMessage") or DEFAULT_INVITE_MESSAGE,
    )


def render(text: str, username: str, password: str) -> str:
    return text.replace(USERNAME_PLACEHOLDER, username).replace(PASSWORD_PLACEHOLDER, password)


def send_invitation(pool: UserPool, username: str, password: str, contacts: dict[str, str], mediums: list[str]) -> None:
    """Queue the invitation to `contacts` ({"EMAIL": address, "SMS": number}) after commit.

    As in Cognito, a template without the {####} placeholder is not delivered.
    """
    template = invitation_template(pool)
    if EMAIL in mediums and contacts.get(EMAIL) and PASSWORD_PLACEHOLDER in template.email_message:
        args = (contacts[EMAIL], render(template.email_subject, username, password), render(template.email_message, username, password))
        transaction.on_commit(lambda: _queue_email(*args))
    if SMS in mediums and contacts.get(SMS) and PASSWORD_PLACEHOLDER in template.sms_message:
        args_sms = (contacts[SMS], render(template.sms_message, username, password))
        transaction.on_commit(lambda: _queue_sms(*args_sms))


def _queue_email(to: str, subject: str, body: str) -> None:
    from userpools import tasks  # tasks imports this module

    tasks.deliver_email.delay(to, subject, body)


def _queue_sms(phone_number: str, message: str) -> None:
    from userpools import tasks

    tasks.deliver_sms.delay(phone_number, message)


def deliver_email(to: str, subject: str, body: str) -> None:
    is_html = "<" in body and ">" in body
    mail = EmailMultiAlternatives(subject, strip_tags(body) if is_html else body, settings.DEFAULT_FROM_EMAIL, [to])
    if is_html:
        mail.attach_alternative(body, "text/html")
    mail.send()
    log.info("Sent an email to a user")


def deliver_sms(phone_number: str, message: str) -> None:
    get_sms_sender().send(phone_number, message)
    log.info("Sent a text message to a user")


# --- verification codes (sign-up, recovery, attribute verification) ---------------------------

CODE_PLACEHOLDER = "{####}"
DEFAULT_VERIFICATION_SUBJECT = "Your verification code"
DEFAULT_VERIFICATION_MESSAGE = "Your verification code is {####}."


@dataclass(frozen=True)
class VerificationMessage:
    email_subject: str
    email_message: str
    sms_message: str


def verification_template(pool: UserPool) -> VerificationMessage:
    """The pool's VerificationMessageTemplate, else its legacy Email/Sms*Verification* members,
    else Cognito's defaults."""
    config = pool.config
    template = config.get("VerificationMessageTemplate") or {}
    return VerificationMessage(
        email_subject=template.get("EmailSubject") or config.get("EmailVerificationSubject") or DEFAULT_VERIFICATION_SUBJECT,
        email_message=template.get("EmailMessage") or config.get("EmailVerificationMessage") or DEFAULT_VERIFICATION_MESSAGE,
        sms_message=template.get("SmsMessage") or config.get("SmsVerificationMessage") or DEFAULT_VERIFICATION_MESSAGE,
    )


def send_verification_code(
    pool: UserPool, username: str, code: str, medium: str, destination: str, custom: CustomMessage | None = None
) -> None:
    """Queue a message carrying a one-time code to `destination` by EMAIL or SMS, after commit.
    `custom` holds the texts a CustomMessage trigger chose, which win over the pool's."""
    template = verification_template(pool)
    if custom is not None:
        template = VerificationMessage(
            custom.email_subject or template.email_subject,
            custom.email_message or template.email_message,
            custom.sms_message or template.sms_message,
        )
    if medium == EMAIL:
        subject = render(template.email_subject, username, code)
        body = render(template.email_message, username, code)
        transaction.on_commit(lambda: _queue_email(destination, subject, body))
    else:
        message = render(template.sms_message, username, code)
        transaction.on_commit(lambda: _queue_sms(destination, message))


# --- MFA sign-in codes (SMS_MFA, EMAIL_OTP) ---------------------------------------------------

def send_text(phone_number: str, message: str) -> None:
    """Queue one text message after commit."""
    transaction.on_commit(lambda: _queue_sms(phone_number, message))


def send_email(to: str, subject: str, body: str) -> None:
    """Queue one mail after commit."""
    transaction.on_commit(lambda: _queue_email(to, subject, body))
