"""Messages that carry a secret to a user: verification and MFA codes, and the temporary password
of an AdminCreateUser invitation. `send_secret` is the one way out, called inside the service's
transaction:

1. a medium whose pool names a custom sender trigger (CustomEmailSender/CustomSMSSender) is
   handed to it, the secret encrypted, and we send nothing ourselves;
2. otherwise the pool's CustomMessage trigger may rewrite the texts around the {####} placeholder;
3. the mail or text is written to the transactional outbox (outbox/) in the same transaction, so a
   rolled-back request reaches nobody and a committed one is delivered even if the broker or this
   process dies right after the commit; the secret stays encrypted until the send.

The outbox hands the rows to `userpools.delivery.transport`, which uses Django's mail backend and
the configured SMS sender. Secrets are never logged here.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape

from outbox import dispatch
from userpools.delivery import transport
from userpools.events import lifecycle, senders
from userpools.models import User, UserPool

SECRET_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"
EMAIL = "EMAIL"
SMS = "SMS"

# Purposes, as CustomMessage trigger sources know them (userpools.lifecycle.lifecycle.CUSTOM_MESSAGE_SOURCES).
INVITATION = "INVITATION"
MFA = "MFA"


@dataclass(frozen=True)
class Texts:
    """A message's email subject and body and its SMS text, with the {####} placeholder."""

    email_subject: str
    email_message: str
    sms_message: str

    def overridden_by(self, custom: lifecycle.CustomMessage | None) -> Texts:
        if custom is None:
            return self
        return Texts(custom.email_subject or self.email_subject, custom.email_message or self.email_message,
                     custom.sms_message or self.sms_message)


DEFAULT_INVITE_SUBJECT = "Your temporary password"
DEFAULT_INVITE_MESSAGE = "Your username is {username} and temporary password is {####}."
DEFAULT_VERIFICATION_SUBJECT = "Your verification code"
DEFAULT_VERIFICATION_MESSAGE = "Your verification code is {####}."


def invitation_texts(pool: UserPool) -> Texts:
    """The pool's AdminCreateUser invitation texts, else Cognito's defaults."""
    template = (pool.config.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    return Texts(
        email_subject=template.get("EmailSubject") or DEFAULT_INVITE_SUBJECT,
        email_message=template.get("EmailMessage") or DEFAULT_INVITE_MESSAGE,
        sms_message=template.get("SMSMessage") or DEFAULT_INVITE_MESSAGE,
    )


def verification_texts(pool: UserPool) -> Texts:
    """The pool's VerificationMessageTemplate, else its legacy Email/Sms*Verification* members,
    else Cognito's defaults."""
    config = pool.config
    template = config.get("VerificationMessageTemplate") or {}
    return Texts(
        email_subject=template.get("EmailSubject") or config.get("EmailVerificationSubject") or DEFAULT_VERIFICATION_SUBJECT,
        email_message=template.get("EmailMessage") or config.get("EmailVerificationMessage") or DEFAULT_VERIFICATION_MESSAGE,
        sms_message=template.get("SmsMessage") or config.get("SmsVerificationMessage") or DEFAULT_VERIFICATION_MESSAGE,
    )


def render(text: str, username: str, secret: str) -> str:
    """A text with {username} and the {####} secret filled in."""
    return text.replace(USERNAME_PLACEHOLDER, username).replace(SECRET_PLACEHOLDER, secret)


def is_html(template: str) -> bool:
    """Whether a message template is HTML. Decided on the template, never on the filled-in text:
    a temporary password may hold '<' and '>' and must not turn a plain mail into HTML."""
    return "<" in template and ">" in template


def send_secret(
    user: User, purpose: str, secret: str, contacts: dict[str, str], texts: Texts, *,
    username: str | None = None, client_id: str | None = None, client_metadata: dict | None = None,
    message_source: str | None = None,
) -> None:
    """Deliver `secret` to each of `contacts` ({EMAIL: address, SMS: number}) after commit (through the outbox).

    `purpose` names the trigger sources (CustomMessage_SignUp, CustomEmailSender_SignUp, ...);
    `message_source` overrides the CustomMessage one. `username` is what {username} shows (an
    invitation shows the name the admin gave). As on Cognito, a text without {####} is not sent.
    """
    source = message_source or lifecycle.CUSTOM_MESSAGE_SOURCES[purpose]
    ours: dict[str, str] = {}
    for medium, destination in contacts.items():
        if not destination:
            continue
        sender = senders.sender_for(user.pool, medium)
        if sender is None:
            ours[medium] = destination
        else:
            senders.send_through_sender(user, sender, source, secret, client_id=client_id, client_metadata=client_metadata)
    if not ours:
        return
    texts = texts.overridden_by(lifecycle.custom_message(user, source, client_id=client_id, client_metadata=client_metadata))
    shown = username or user.username
    if ours.get(EMAIL) and SECRET_PLACEHOLDER in texts.email_message:
        html = is_html(texts.email_message)
        body = render(texts.email_message, escape(shown), escape(secret)) if html else render(texts.email_message, shown, secret)
        dispatch.enqueue(transport.EMAIL_KIND, {
            "to": ours[EMAIL], "subject": render(texts.email_subject, shown, secret), "body": body, "html": html,
        })
    if ours.get(SMS) and SECRET_PLACEHOLDER in texts.sms_message:
        dispatch.enqueue(transport.SMS_KIND, {"phone_number": ours[SMS], "message": render(texts.sms_message, shown, secret)})
