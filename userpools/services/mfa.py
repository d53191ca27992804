"""Multi-factor authentication: the pool's MFA configuration, TOTP authenticators, users' MFA
preferences, and the rule that decides which MFA challenge (if any) a sign-in owes.

Pool configuration lives in `pool.config` in AWS's shape: MfaConfiguration, SmsMfaConfiguration,
SoftwareTokenMfaConfiguration, EmailMfaConfiguration. A user's preferences are columns of User;
the TOTP secret is a SoftwareToken row (encrypted at rest).
"""
from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from core.errors import (
    EnableSoftwareTokenMFAException,
    InvalidParameterException,
    LimitExceededException,
    NotAuthorizedException,
    SoftwareTokenMFANotFoundException,
)
from userpools.domain import totp
from userpools.models import SoftwareToken, User, UserPool, UserPoolClient
from userpools.services import lookup
from userpools.services.pools import get_pool
from userpools.services.signin import clock, session

OFF, ON, OPTIONAL = "OFF", "ON", "OPTIONAL"
SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP = "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"
SELECT_MFA_TYPE, MFA_SETUP = "SELECT_MFA_TYPE", "MFA_SETUP"
METHODS = (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)
CODE_PLACEHOLDER = "{####}"
ATTEMPT_LIMIT = "Attempt limit exceeded, please try after some time."
# TOTP guesses: the first few are free, then each failure doubles the wait (as django-otp does).
FREE_TOTP_FAILURES = 3
MAX_TOTP_DELAY_SECONDS = 900


# --- the pool's configuration ----------------------------------------------------------------

def mode(pool: UserPool) -> str:
    """The pool's MfaConfiguration: OFF, ON or OPTIONAL."""
    return pool.config.get("MfaConfiguration") or OFF


def sms_enabled(config: dict) -> bool:
    # Set explicitly by SetUserPoolMfaConfig (None: turned off); else a pool created with an
    # SMS configuration sends SMS MFA, as on Cognito.
    """Whether a pool config sends SMS MFA codes."""
    if "SmsMfaConfiguration" in config:
        return config["SmsMfaConfiguration"] is not None
    return bool(config.get("SmsConfiguration"))


def pool_methods(config: dict) -> list[str]:
    """The MFA factors the pool offers, in Cognito's order."""
    offered = []
    if sms_enabled(config):
        offered.append(SMS_MFA)
    if (config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
        offered.append(SOFTWARE_TOKEN_MFA)
    if config.get("EmailMfaConfiguration") is not None:
        offered.append(EMAIL_OTP)
    return offered


def describe_config(pool: UserPool) -> dict:
    """The GetUserPoolMfaConfig / SetUserPoolMfaConfig response."""
    config = pool.config
    result: dict = {"MfaConfiguration": mode(pool)}
    if sms_enabled(config):
        sms = copy.deepcopy(config.get("SmsMfaConfiguration") or {})
        if "SmsMfaConfiguration" not in config:  # the pool's own SMS settings
            sms = {"SmsConfiguration": copy.deepcopy(config["SmsConfiguration"])}
            if config.get("SmsAuthenticationMessage"):
                sms["SmsAuthenticationMessage"] = config["SmsAuthenticationMessage"]
        result["SmsMfaConfiguration"] = sms
    result["SoftwareTokenMfaConfiguration"] = {"Enabled": bool((config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))}
    if config.get("EmailMfaConfiguration") is not None:
        result["EmailMfaConfiguration"] = copy.deepcopy(config["EmailMfaConfiguration"])
    return result


def get_config(pool_id: str) -> dict:
    """GetUserPoolMfaConfig."""
    return describe_config(get_pool(pool_id))


def _check_templates(params: dict) -> None:
    sms_message = (params.get("SmsMfaConfiguration") or {}).get("SmsAuthenticationMessage")
    if sms_message is not None and CODE_PLACEHOLDER not in sms_message:
        raise InvalidParameterException("SmsAuthenticationMessage must contain {####}.")
    email_message = (params.get("EmailMfaConfiguration") or {}).get("Message")
    if email_message is not None and CODE_PLACEHOLDER not in email_message:
        raise InvalidParameterException("EmailMfaConfiguration Message must contain {####}.")


@transaction.atomic
def set_config(pool_id: str, params: dict) -> dict:
    """SetUserPoolMfaConfig. The factor configurations given replace the old ones (a factor left
    out is turned off); MfaConfiguration left out keeps its value."""
    get_pool(pool_id)  # ResourceNotFoundException for an unknown pool
    pool = UserPool.objects.select_for_update(no_key=True).get(pk=pool_id)
    _check_templates(params)
    config = dict(pool.config)
    config["SmsMfaConfiguration"] = copy.deepcopy(params.get("SmsMfaConfiguration"))
    config["SoftwareTokenMfaConfiguration"] = {"Enabled": bool((params.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))}
    config["EmailMfaConfiguration"] = copy.deepcopy(params.get("EmailMfaConfiguration"))
    new_mode = params.get("MfaConfiguration") or mode(pool)
    offered = pool_methods(config)
    if new_mode == OFF and offered:
        raise InvalidParameterException("Invalid MFA configuration given, can't turn off MFA and enable MFA type at the same time.")
    if new_mode != OFF and not offered:
        raise InvalidParameterException("Invalid MFA configuration given, can't turn on MFA without enabling at least one MFA type.")
    config["MfaConfiguration"] = new_mode
    pool.config = config
    pool.save(update_fields=["config", "modified"])
    return describe_config(pool)


# --- a user's factors and preferences --------------------------------------------------------

def verified_token(user: User) -> SoftwareToken | None:
    """The user's verified TOTP authenticator, if any."""
    return SoftwareToken.objects.filter(user=user, verified=True).first()


def _reachable(user: User, method: str, values: dict[str, str]) -> bool:
    """Whether the user has what `method` delivers to: a phone, an email, a verified TOTP."""
    if method == SMS_MFA:
        return bool(values.get("phone_number"))
    if method == EMAIL_OTP:
        return bool(values.get("email"))
    return verified_token(user) is not None


def enabled_methods(user: User) -> list[str]:
    """The MFA methods the user has turned on, in Cognito's order."""
    flags = {SMS_MFA: user.sms_mfa_enabled, SOFTWARE_TOKEN_MFA: user.software_token_mfa_enabled, EMAIL_OTP: user.email_mfa_enabled}
    return [method for method in METHODS if flags[method]]


def user_settings(user: User) -> dict:
    """The MFA members of AdminGetUser and GetUser (left out when empty, as Cognito does)."""
    enabled = enabled_methods(user)
    result: dict = {}
    if user.sms_mfa_enabled:  # the legacy member reports SMS only
        result["MFAOptions"] = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    if user.preferred_mfa:
        result["PreferredMfaSetting"] = user.preferred_mfa
    if enabled:
        result["UserMFASettingList"] = enabled
    return result


_SETTINGS = {"SMSMfaSettings": SMS_MFA, "SoftwareTokenMfaSettings": SOFTWARE_TOKEN_MFA, "EmailMfaSettings": EMAIL_OTP}
_FLAG = {SMS_MFA: "sms_mfa_enabled", SOFTWARE_TOKEN_MFA: "software_token_mfa_enabled", EMAIL_OTP: "email_mfa_enabled"}


def _apply_preferences(user: User, params: dict) -> None:
    """SetUserMFAPreference on a row-locked user: settings left out stay as they are."""
    values = user.attribute_values()
    for member, method in _SETTINGS.items():
        setting = params.get(member)
        if setting is None:
            continue
        enabled = bool(setting.get("Enabled"))
        preferred = bool(setting.get("PreferredMfa"))
        if (enabled or preferred) and not _reachable(user, method, values):
            raise InvalidParameterException(f"User does not have delivery config set to turn on {method}")
        if method == EMAIL_OTP and enabled and EMAIL_OTP not in pool_methods(user.pool.config):
            raise InvalidParameterException("Email MFA is not enabled for the user pool.")
        setattr(user, _FLAG[method], enabled or preferred)
        if preferred:
            user.preferred_mfa = method
        elif user.preferred_mfa == method:
            user.preferred_mfa = ""
    if user.preferred_mfa and not getattr(user, _FLAG[user.preferred_mfa]):
        user.preferred_mfa = ""
    user.save(update_fields=[*_FLAG.values(), "preferred_mfa", "modified"])



@transaction.atomic
def set_user_preference(access_token: str, params: dict) -> None:
    """SetUserMFAPreference (by the user's access token)."""
    user = lookup.signed_in_user(access_token)
    _apply_preferences(User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk), params)


@transaction.atomic
def admin_set_user_preference(pool_id: str, username: str, params: dict) -> None:
    """AdminSetUserMFAPreference."""
    user = lookup.require_user(get_pool(pool_id), username, lock=True)
    _apply_preferences(user, params)


# --- TOTP authenticators: AssociateSoftwareToken, VerifySoftwareToken -------------------------

def _session_user(token: str) -> tuple[User, UserPoolClient, session.PendingChallenge, bool]:
    """The user of an MFA_SETUP Session, its client, pending challenge and admin flag."""
    pool_id, client_id, admin = session.client_of(token)
    client = UserPoolClient.objects.select_related("pool").filter(pool_id=pool_id, client_id=client_id).first()
    if client is None:
        raise NotAuthorizedException(session.INVALID)
    pending = session.read(token, client, admin=admin)
    user = User.objects.select_related("pool").filter(pool_id=pool_id, sub=pending.user_sub).first()
    if pending.challenge != MFA_SETUP or user is None or not session.still_valid_for(pending, user):
        raise NotAuthorizedException(session.INVALID)
    return user, client, pending, admin


def _by_token_or_session(
    access_token: str | None, session_token: str | None,
) -> tuple[User, tuple[UserPoolClient, session.PendingChallenge, bool] | None]:
    """The user of an AccessToken (and no set-up), or of an MFA_SETUP Session (and its set-up)."""
    if access_token and not session_token:
        return lookup.signed_in_user(access_token), None
    if session_token and not access_token:
        user, client, pending, admin = _session_user(session_token)
        return user, (client, pending, admin)
    raise InvalidParameterException("Either AccessToken or Session must be provided, but not both.")


def _require_totp_pool(user: User) -> None:
    if SOFTWARE_TOKEN_MFA not in pool_methods(user.pool.config):
        raise SoftwareTokenMFANotFoundException("Software Token MFA is not enabled for the user pool.")


def _next_session(user: User, setup: tuple, extra: dict) -> str:
    client, pending, admin = setup
    return session.issue(client, user, MFA_SETUP, admin=admin, auth_time=pending.auth_time, progress={**pending.progress, **extra})


@transaction.atomic
def associate_software_token(access_token: str | None, session_token: str | None) -> dict:
    """AssociateSoftwareToken: a new secret for the user's authenticator app. It takes effect
    when VerifySoftwareToken accepts a code made from it; a verified authenticator keeps working
    until then, so an abandoned enrolment never switches a user's MFA off."""
    user, setup = _by_token_or_session(access_token, session_token)
    _require_totp_pool(user)
    secret = totp.new_secret()
    row = SoftwareToken.objects.select_for_update(no_key=True).filter(user=user).first() or SoftwareToken(user=user)
    row.pending_secret = secret
    if not row.verified:
        row.secret = secret
        row.last_step = None
        row.failed_attempts = 0
    row.save()
    result = {"SecretCode": secret}
    if setup is not None:
        result["Session"] = _next_session(user, setup, {})
    return result


def pending_software_token(session_token: str) -> str | None:
    """The secret an MFA_SETUP sign-in associated and has not verified yet (None: there is none),
    read from the user's authenticator row, so a page can show it again after a wrong code."""
    user, _ = _by_token_or_session(None, session_token)
    row = SoftwareToken.objects.filter(user=user).first()
    return enrolment_secret(row) if row is not None else None


def _refuse_if_throttled(row: SoftwareToken) -> None:
    """After FREE_TOTP_FAILURES wrong codes, wait 2^(n-free) s (capped) from the last one. The
    time is kept on the authenticator row, so every app server sees it and no cache loss resets it."""
    if row.failed_attempts < FREE_TOTP_FAILURES or row.last_failed_at is None:
        return
    delay = min(2 ** (row.failed_attempts - FREE_TOTP_FAILURES), MAX_TOTP_DELAY_SECONDS)
    if clock.now() < row.last_failed_at + timedelta(seconds=delay):
        raise LimitExceededException(ATTEMPT_LIMIT)


def record_totp_failure(row_pk: int) -> None:
    """Count one wrong TOTP code on the authenticator row (run in its own transaction)."""
    SoftwareToken.objects.filter(pk=row_pk).update(failed_attempts=F("failed_attempts") + 1, last_failed_at=clock.now())


def check_totp(row: SoftwareToken, code: str, at: datetime, *, enrolling: bool = False) -> bool:
    """Check a code against a row-locked authenticator (`enrolling`: against its pending secret,
    which then replaces the old one); a match uses up its time step. The caller records a failure
    (`record_totp_failure`) in a transaction that commits."""
    _refuse_if_throttled(row)
    secret = enrolment_secret(row) if enrolling else row.secret
    if not secret:  # nothing to check against: no code can match
        return False
    step = totp.matching_step(secret, code, at.timestamp(), None if enrolling else row.last_step)
    if step is None:
        return False
    if enrolling:
        row.secret, row.pending_secret = secret, None
    row.last_step = step
    row.failed_attempts = 0
    row.save(update_fields=["secret_encrypted", "pending_secret_encrypted", "last_step", "failed_attempts"])
    return True


def enrolment_secret(row: SoftwareToken) -> str | None:
    """The secret VerifySoftwareToken checks: the pending one (rows from before pending secrets
    existed kept an unverified secret in place)."""
    return row.pending_secret or (None if row.verified else row.secret)



def verify_software_token(access_token: str | None, session_token: str | None, code: str, friendly_name: str | None) -> dict:
    """VerifySoftwareToken: a code from the newly associated secret marks it verified. In an
    MFA_SETUP sign-in this also turns TOTP MFA on and returns the Session for the final answer."""
    user, setup = _by_token_or_session(access_token, session_token)
    _require_totp_pool(user)
    with transaction.atomic():
        locked = User.objects.select_for_update(no_key=True).select_related("pool").get(pk=user.pk)
        row = SoftwareToken.objects.select_for_update(no_key=True).filter(user=locked).first()
        if row is None or not enrolment_secret(row):
            raise InvalidParameterException("User has not associated a software token.")
        accepted = check_totp(row, code, clock.now(), enrolling=True)
        if accepted:
            row.verified = True
            if friendly_name:
                row.friendly_name = friendly_name[:128]
            row.save(update_fields=["verified", "friendly_name"])
            if setup is not None:
                locked.software_token_mfa_enabled = True
                locked.preferred_mfa = locked.preferred_mfa or SOFTWARE_TOKEN_MFA
                locked.save(update_fields=["software_token_mfa_enabled", "preferred_mfa", "modified"])
                return {"Status": "SUCCESS", "Session": _next_session(locked, setup, {"setup": SOFTWARE_TOKEN_MFA})}
            return {"Status": "SUCCESS"}
    with transaction.atomic():
        record_totp_failure(row.pk)
    raise EnableSoftwareTokenMFAException("Code mismatch and fail enable Software Token MFA")


# --- which MFA challenge a sign-in owes ------------------------------------------------------

def due_challenge(user: User, progress: dict) -> str | None:
    """The MFA challenge this sign-in must pass next, or None (passed, not required, or the
    device it signed in from is remembered).

    OPTIONAL pools ask users who turned a factor on; ON pools ask everyone: a user with no factor
    turned on gets one they can receive (a phone number, a verified authenticator) or else must
    set one up. Several factors and no preference: the user chooses.
    """
    if progress.get("mfa") or progress.get("mfa_skipped_by_device"):
        return None
    pool_mode = mode(user.pool)
    if pool_mode == OFF:
        return None
    if progress.get("choice"):
        return progress["choice"]
    offered = pool_methods(user.pool.config)
    values = user.attribute_values()
    candidates = [m for m in enabled_methods(user) if m in offered and _reachable(user, m, values)]
    if not candidates and pool_mode == ON:
        candidates = [m for m in (SMS_MFA, SOFTWARE_TOKEN_MFA) if m in offered and _reachable(user, m, values)]
    if not candidates:
        return MFA_SETUP if pool_mode == ON else None
    if user.preferred_mfa in candidates:
        return user.preferred_mfa
    return candidates[0] if len(candidates) == 1 else SELECT_MFA_TYPE


def choices(user: User) -> list[str]:
    """MFAS_CAN_CHOOSE: the enabled factors the user can receive (ON pools: any reachable one)."""
    offered = pool_methods(user.pool.config)
    values = user.attribute_values()
    enabled = [m for m in enabled_methods(user) if m in offered and _reachable(user, m, values)]
    return enabled or [m for m in (SMS_MFA, SOFTWARE_TOKEN_MFA) if m in offered and _reachable(user, m, values)]


def setup_choices(user: User) -> list[str]:
    """MFAS_CAN_SETUP: the factors the pool offers."""
    return pool_methods(user.pool.config)


def compact_json(values: list[str]) -> str:
    """JSON without spaces, as Cognito writes lists in challenge parameters."""
    return json.dumps(values, separators=(",", ":"))
