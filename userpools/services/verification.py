"""One-time codes for sign-up, password recovery and attribute verification.

A code is stored as a keyed hash, one live code per user, purpose and attribute (a new code
replaces the old one). Redeeming locks the user row and then the code row in one transaction,
so a code sent twice at the same instant works once: the second request waits for the first
to commit and then finds no code. Wrong guesses are counted on the code row and committed even
though the request fails; after `MAX_FAILED_ATTEMPTS` the code stops working.

Lock order is always user, then code, so redeeming and reissuing never deadlock.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    LimitExceededException,
    ServiceError,
)
from userpools.delivery import messaging
from userpools.domain import attribute_values, codes
from userpools.events import lifecycle
from userpools.models import User, UserPool, VerificationCode
from userpools.services import attributes, limits, lookup

LIFETIMES = {
    VerificationCode.SIGN_UP: timedelta(hours=24),
    VerificationCode.VERIFY_ATTRIBUTE: timedelta(hours=24),
    VerificationCode.FORGOT_PASSWORD: timedelta(hours=1),
    VerificationCode.MFA: timedelta(minutes=3),
}
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_LIMIT_MESSAGE = limits.ATTEMPT_LIMIT_MESSAGE
MEDIUM_OF = {"email": messaging.EMAIL, "phone_number": messaging.SMS}


@dataclass(frozen=True)
class Redeemed:
    """What a redeemed code proved: the (locked, fresh) user and the attribute it went to."""

    user: User
    attribute: str
    pending_value: str = ""  # a new attribute value that waits for this code (see account.py)


def _salt(user: User, purpose: str, attribute: str) -> str:
    return f"{user.pk}:{user.sub}:{purpose}:{attribute}"


def _keyed_by_attribute(purpose: str) -> bool:
    # A user may verify email and phone at once; sign-up and recovery have one code each.
    return purpose == VerificationCode.VERIFY_ATTRIBUTE


def issue_code(user: User, purpose: str, attribute: str = "", pending_value: str = "") -> str:
    """A new code for `purpose`, replacing any live one. Call inside the caller's transaction."""
    code = codes.generate_code()
    scope = VerificationCode.objects.filter(user=user, purpose=purpose)
    if not _keyed_by_attribute(purpose):
        scope.exclude(attribute=attribute).delete()
    VerificationCode.objects.update_or_create(
        user=user,
        purpose=purpose,
        attribute=attribute,
        defaults={
            "code_hash": codes.hash_code(code, salt=_salt(user, purpose, attribute)),
            "expires_at": timezone.now() + LIFETIMES[purpose],
            "failed_attempts": 0,
            "pending_value": pending_value,
        },
    )
    return code


def has_pending_code(user: User, purpose: str) -> bool:
    """Whether the user holds an unredeemed code for `purpose` (expired ones included)."""
    return VerificationCode.objects.filter(user=user, purpose=purpose).exists()


def _failure(row: VerificationCode | None, user: User, code: str) -> ServiceError | None:
    """Why `code` does not redeem `row` (recording a wrong guess), or None when it does."""
    if row is None:
        return ExpiredCodeException("Invalid code provided, please request a code again.")
    if row.expires_at <= timezone.now():
        row.delete()
        return ExpiredCodeException("Invalid code provided, please request a code again.")
    if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
        return LimitExceededException(ATTEMPT_LIMIT_MESSAGE)
    if not codes.code_matches(code, row.code_hash, salt=_salt(user, row.purpose, row.attribute)):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        return CodeMismatchException("Invalid verification code provided, please try again.")
    return None


def code_matches(row: VerificationCode, code: str) -> bool:
    """Whether `code` is the one `row` holds (expiry and attempts are the caller's to check)."""
    return codes.code_matches(code, row.code_hash, salt=_salt(row.user, row.purpose, row.attribute))


@contextmanager
def redeeming(user: User, purpose: str, code: str, attribute: str = "") -> Iterator[Redeemed]:
    """Redeem a code and apply its effect (the `with` body) in one transaction.

    If the body raises, nothing is written and the code stays usable. A wrong code is counted
    and committed before the error is raised, so this must not run inside another transaction
    (an outer rollback would forget the count).
    """
    subject = limits.user_subject(user)
    limits.refuse_if_guessing_locked(subject)  # wrong codes of every kind count together
    with transaction.atomic():
        locked = User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk)
        rows = VerificationCode.objects.select_for_update(no_key=True).filter(user=locked, purpose=purpose)
        if _keyed_by_attribute(purpose):
            rows = rows.filter(attribute=attribute)
        row = rows.first()
        failure = _failure(row, locked, code)
        if failure is None:
            redeemed = Redeemed(locked, row.attribute, row.pending_value)
            row.delete()
            yield redeemed
            return
    if isinstance(failure, CodeMismatchException):
        limits.record_wrong_guess(subject)
    raise failure


# --- delivery ------------------------------------------------------------------------------

def mask(medium: str, destination: str) -> str:
    """Cognito's masked destination: "a***@e***" for mail, "+*******1234" for phones."""
    if medium == messaging.EMAIL:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    keep = 4
    digits_seen = 0
    masked = []
    for char in reversed(destination):  # keep the last four digits, hide the others
        if char.isdigit():
            digits_seen += 1
            masked.append(char if digits_seen <= keep else "*")
        else:
            masked.append(char)
    return "".join(reversed(masked))


def delivery_details(attribute: str, destination: str) -> dict:
    """CodeDeliveryDetails for a code sent to `destination` of `attribute`, masked."""
    medium = MEDIUM_OF[attribute]
    return {"Destination": mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}


def send_code(
    pool: UserPool, user: User, purpose: str, attribute: str, destination: str, pending_value: str = "",
    *, message_source: str | None = None, client_id: str | None = None, client_metadata: dict | None = None,
) -> dict:
    """Issue a code and mail/text it after commit; returns CodeDeliveryDetails. The pool's
    CustomMessage trigger (source by purpose, or `message_source`) may rewrite the message, or
    its custom sender deliver it. Each destination gets a limited number of codes (limits.py)."""
    limits.count_delivery(destination)
    code = issue_code(user, purpose, attribute, pending_value)
    messaging.send_secret(user, purpose, code, {MEDIUM_OF[attribute]: destination}, messaging.verification_texts(pool),
                          message_source=message_source, client_id=client_id, client_metadata=client_metadata)
    return delivery_details(attribute, destination)


def send_attribute_code(user: User, attribute: str, value: str | None = None, *, pending: bool = False,
                        updating: bool = False, client_id: str | None = None, client_metadata: dict | None = None) -> dict:
    """Send a VERIFY_ATTRIBUTE code for email/phone_number (to `value`, default the current one).

    Used by GetUserAttributeVerificationCode and by UpdateUserAttributes when a contact
    attribute changes (`updating`: the message is CustomMessage_UpdateUserAttribute). With `pending`,
    `value` is not written yet: redeeming the code writes it (AttributesRequireVerificationBeforeUpdate).
    Call inside the caller's transaction.
    """
    if attribute not in MEDIUM_OF:
        raise InvalidParameterException(f"Invalid attribute name: {attribute} cannot be verified.")
    destination = value if value is not None else user.attribute_values().get(attribute)
    if not destination:
        raise InvalidParameterException(f"User has no attribute matching {attribute}")
    pending_value = destination if pending else ""
    source = lifecycle.CUSTOM_MESSAGE_SOURCES["UPDATE_ATTRIBUTE" if updating else "VERIFY_ATTRIBUTE"]
    return send_code(user.pool, user, VerificationCode.VERIFY_ATTRIBUTE, attribute, destination, pending_value,
                     message_source=source, client_id=client_id, client_metadata=client_metadata)


def simulated_details(pool: UserPool, username: str) -> dict:
    """Believable CodeDeliveryDetails for a user who does not exist (PreventUserExistenceErrors).

    The medium follows the name's format, else the pool's verification settings; the masked
    letters come from a keyed hash so the same name always gets the same answer.
    """
    if "@" in username:
        return delivery_details("email", username)
    if username.startswith("+") and username[1:].isdigit():
        return delivery_details("phone_number", username)
    auto = pool.config.get("AutoVerifiedAttributes") or ["email"]
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{pool.pk}:{username}".encode(), hashlib.sha256).hexdigest()
    if "email" in auto:
        letters = [chr(ord("a") + int(digest[i], 16) % 26) for i in (0, 1)]
        return delivery_details("email", f"{letters[0]}@{letters[1]}")
    return delivery_details("phone_number", "+" + "".join(str(int(c, 16) % 10) for c in digest[:11]))


# --- the signed-in user's own attributes -----------------------------------------------------

@transaction.atomic
def get_attribute_verification_code(access_token: str, attribute: str, client_metadata: dict | None = None,
                                    source_ip: str | None = None) -> dict:
    """GetUserAttributeVerificationCode: a code to the user's email or phone number."""
    user, claims, _ = lookup.signed_in(access_token)
    limits.count_code_request(limits.ATTRIBUTE_CODE, limits.user_subject(user), source_ip)
    locked = User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk)
    return send_attribute_code(locked, attribute, client_id=claims.get("client_id"), client_metadata=client_metadata)


def verify_attribute(access_token: str, attribute: str, code: str) -> None:
    """VerifyUserAttribute: the code marks the attribute verified. A verified alias must be
    the user's alone (AliasExistsException otherwise; the code then stays usable)."""
    user = lookup.signed_in_user(access_token)
    if attribute not in MEDIUM_OF:
        raise InvalidParameterException(f"Invalid attribute name: {attribute} cannot be verified.")
    with redeeming(user, VerificationCode.VERIFY_ATTRIBUTE, code, attribute) as redeemed:
        verified = redeemed.user
        flag = attribute_values.VERIFIED_FLAG[attribute]
        changes = {flag: "true"}
        if redeemed.pending_value:  # the update that waited for this code takes effect now
            changes[attribute] = redeemed.pending_value
        attributes.claim_unique_values(verified.pool, verified, {**verified.attribute_values(), **changes}, only=set(changes))
        attributes.write(verified, changes)
        verified.save(update_fields=["modified"])
