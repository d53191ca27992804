"""The MFA challenges of a sign-in, after NEW_PASSWORD_REQUIRED: MFA_SETUP, SELECT_MFA_TYPE,
SOFTWARE_TOKEN_MFA, SMS_MFA and EMAIL_OTP.

`mfa.due_challenge` decides which one (if any) the sign-in owes; each stage here is pending
exactly when it is the one due. Passing one records the factor in the sign-in's progress
(`mfa`, and `amr` facts such as "mfa" and "otp") so later stages and tokens can tell.
"""
from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from core.errors import (
    CodeMismatchException,
    ExpiredCodeException,
    InvalidParameterException,
    LimitExceededException,
    NotAuthorizedException,
)
from userpools.delivery import messaging
from userpools.models import SoftwareToken, User, VerificationCode
from userpools.services import limits, mfa, verification
from userpools.services.signin import clock, session
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.stages import FailedAnswer, required_response

WRONG_CODE = "Invalid code received for user"
MAX_CODE_ATTEMPTS = 5
DEFAULT_SMS_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your authentication code"
DEFAULT_EMAIL_MESSAGE = "Your authentication code is {####}."
# Wire names as literals: this module is imported while `mfa` may still be initialising.
AMR = {"SOFTWARE_TOKEN_MFA": "otp", "SMS_MFA": "sms", "EMAIL_OTP": "email"}


def passed(progress: dict, method: str) -> dict:
    """The sign-in's progress once the MFA `method` has been passed."""
    amr = sorted({*progress.get("amr", ["pwd"]), "mfa", AMR[method]})
    return {**progress, "mfa": method, "amr": amr}


class _Due:
    name: str

    def is_pending(self, user: User, attempt: Attempt, progress: dict) -> bool:
        return mfa.due_challenge(user, progress) == self.name


class MfaSetup(_Due):
    """MFA is required and the user has no factor: set up TOTP (AssociateSoftwareToken and
    VerifySoftwareToken with this Session), then answer with the Session they return."""

    name = "MFA_SETUP"

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        return {"MFAS_CAN_SETUP": mfa.compact_json(mfa.setup_choices(user))}

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        if progress.get("setup") != "SOFTWARE_TOKEN_MFA" or mfa.verified_token(user) is None:
            raise InvalidParameterException("MFA setup is not complete: verify a software token with this session first.")
        return passed(progress, "SOFTWARE_TOKEN_MFA")


class SelectMfaType(_Due):
    """Several factors are on and none is preferred: the user names one as ANSWER."""

    name = "SELECT_MFA_TYPE"

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        return {"MFAS_CAN_CHOOSE": mfa.compact_json(mfa.choices(user))}

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        answer = required_response(responses, "ANSWER")
        if answer not in mfa.choices(user):
            raise InvalidParameterException(f"Invalid MFA type {answer}.")
        return {**progress, "choice": answer}


class SoftwareTokenMfa(_Due):
    """A code from the user's authenticator app, as SOFTWARE_TOKEN_MFA_CODE."""

    name = "SOFTWARE_TOKEN_MFA"

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        return {}

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        code = required_response(responses, "SOFTWARE_TOKEN_MFA_CODE")
        row = SoftwareToken.objects.select_for_update(no_key=True).filter(user=user, verified=True).first()
        if row is None:
            raise NotAuthorizedException(session.INVALID)
        if not mfa.check_totp(row, code, clock.now()):
            raise FailedAnswer(CodeMismatchException(WRONG_CODE), lambda: mfa.record_totp_failure(row.pk))
        return passed(progress, self.name)


class _CodeByMessage(_Due):
    """A one-time code sent when the challenge is issued (short-lived, one live code per user)."""

    attribute: str
    medium: str
    answer: str

    def texts(self, user: User) -> messaging.Texts:
        raise NotImplementedError

    def parameters(self, user: User, attempt: Attempt, progress: dict) -> dict[str, str]:
        destination = user.attribute_values()[self.attribute]
        limits.count_code_request(limits.MFA_CODE, limits.user_subject(user), None if attempt.admin else attempt.source_ip)
        limits.count_delivery(destination)
        code = verification.issue_code(user, VerificationCode.MFA, self.attribute)
        # CustomMessage_Authentication may rewrite it; a custom sender delivers it instead.
        messaging.send_secret(user, messaging.MFA, code, {self.medium: destination}, self.texts(user), client_id=attempt.client_id,
                              client_metadata=attempt.client_metadata)
        return {
            "CODE_DELIVERY_DELIVERY_MEDIUM": self.medium,
            "CODE_DELIVERY_DESTINATION": verification.mask(self.medium, destination),
        }

    def respond(self, user: User, attempt: Attempt, responses: dict[str, str], progress: dict) -> dict:
        code = required_response(responses, self.answer)
        subject = limits.user_subject(user)
        limits.refuse_if_guessing_locked(subject)  # wrong codes of every kind count together
        row = VerificationCode.objects.select_for_update(no_key=True).filter(user=user, purpose=VerificationCode.MFA, attribute=self.attribute).first()
        if row is None or row.expires_at <= timezone.now():
            raise ExpiredCodeException("The code has expired. Sign in again to receive a new code.")
        if row.failed_attempts >= MAX_CODE_ATTEMPTS:
            raise LimitExceededException(mfa.ATTEMPT_LIMIT)
        if not verification.code_matches(row, code):
            count = VerificationCode.objects.filter(pk=row.pk)

            def record() -> None:  # after the answer's transaction has rolled back
                count.update(failed_attempts=F("failed_attempts") + 1)
                limits.record_wrong_guess(subject)

            raise FailedAnswer(CodeMismatchException(WRONG_CODE), record)
        row.delete()
        return passed(progress, self.name)


class SmsMfa(_CodeByMessage):
    """SMS_MFA: a code by text message."""

    name = "SMS_MFA"
    attribute = "phone_number"
    medium = messaging.SMS
    answer = "SMS_MFA_CODE"

    def texts(self, user: User) -> messaging.Texts:
        config = user.pool.config
        template = (config.get("SmsMfaConfiguration") or {}).get("SmsAuthenticationMessage") or config.get("SmsAuthenticationMessage") or DEFAULT_SMS_MESSAGE
        return messaging.Texts(DEFAULT_EMAIL_SUBJECT, DEFAULT_EMAIL_MESSAGE, template)


class EmailOtp(_CodeByMessage):
    """EMAIL_OTP: a code by mail."""

    name = "EMAIL_OTP"
    attribute = "email"
    medium = messaging.EMAIL
    answer = "EMAIL_OTP_CODE"

    def texts(self, user: User) -> messaging.Texts:
        template = user.pool.config.get("EmailMfaConfiguration") or {}
        return messaging.Texts(template.get("Subject") or DEFAULT_EMAIL_SUBJECT, template.get("Message") or DEFAULT_EMAIL_MESSAGE, DEFAULT_SMS_MESSAGE)
