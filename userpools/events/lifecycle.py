"""Cognito's trigger events for the user life cycle: each function builds one trigger's
`request`, runs it through `runner.invoke`, and turns its `response` into plain values the
calling service applies. A trigger that is not configured costs one dictionary lookup: the
functions whose event needs the user's attributes look for the function first.

(The custom-auth challenge triggers live in challenges.py, the custom senders in senders.py.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import InvalidLambdaResponseException
from triggers import runner
from userpools.domain import claims
from userpools.models import User, UserPool


def user_attributes(user: User) -> dict[str, str]:
    """The `userAttributes` of an event: the stored attributes plus sub and cognito:user_status."""
    current = user.attribute_values()
    current.setdefault("sub", str(user.sub))
    current["cognito:user_status"] = user.status
    return current


def _flag(response: dict | None, name: str) -> bool:
    value = (response or {}).get(name)
    if value is not None and not isinstance(value, bool):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return bool(value)


# --- PreSignUp ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignUpDecision:
    """What a PreSignUp handler decided."""

    auto_confirm: bool = False
    auto_verify_email: bool = False
    auto_verify_phone: bool = False


def pre_sign_up(pool: UserPool, source: str, username: str, values: dict[str, str], *, client_id: str | None,
                validation_data: list[dict] | None = None, client_metadata: dict | None = None) -> SignUpDecision:
    """PreSignUp_SignUp / PreSignUp_AdminCreateUser, before the user exists."""
    request = {
        "userAttributes": dict(values),
        "validationData": {item["Name"]: item.get("Value", "") for item in validation_data} if validation_data else None,
        "clientMetadata": client_metadata or {},
    }
    response = runner.invoke(
        pool, source, request, user_name=username, client_id=client_id,
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    if response is None:
        return SignUpDecision()
    return SignUpDecision(_flag(response, "autoConfirmUser"), _flag(response, "autoVerifyEmail"), _flag(response, "autoVerifyPhone"))


def verified_flags(decision: SignUpDecision, values: dict[str, str]) -> dict[str, str]:
    """The verified flags a PreSignUp trigger asked for, for the contacts the user has."""
    flags = {}
    if decision.auto_verify_email and values.get("email"):
        flags["email_verified"] = "true"
    if decision.auto_verify_phone and values.get("phone_number"):
        flags["phone_number_verified"] = "true"
    return flags


# --- PostConfirmation, Pre/PostAuthentication -----------------------------------------------------

def post_confirmation(user: User, source: str, *, client_id: str | None, client_metadata: dict | None = None) -> None:
    """PostConfirmation_ConfirmSignUp / PostConfirmation_ConfirmForgotPassword."""
    if runner.configured_function(user.pool, "PostConfirmation") is None:  # checked first: userAttributes may cost a query
        return
    request = {"userAttributes": user_attributes(user), "clientMetadata": client_metadata or {}}
    runner.invoke(user.pool, source, request, user_name=user.username, client_id=client_id)


def pre_authentication(pool: UserPool, user: User | None, username: str, *, client_id: str, validation_data: dict | None = None,
                       reports_user_found: bool = False) -> None:
    """PreAuthentication_Authentication, before the password is checked (`user` None: nobody has
    that name). A raising handler refuses the sign-in (UserLambdaValidationException). Its event
    has no clientMetadata: InitiateAuth's ClientMetadata arrives as `validationData`. As on Cognito,
    `userNotFound` is there only when the client prevents user-existence errors (`reports_user_found`)."""
    if runner.configured_function(pool, "PreAuthentication") is None:  # checked first: userAttributes may cost a query
        return
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user) if user is not None else {},
        "validationData": validation_data or {},
    }
    if reports_user_found:
        request["userNotFound"] = user is None
    runner.invoke(pool, "PreAuthentication_Authentication", request,
                  user_name=user.username if user is not None else username, client_id=client_id)


def post_authentication(user: User, *, client_id: str, new_device_used: bool = False, client_metadata: dict | None = None) -> None:
    """PostAuthentication_Authentication, once the sign-in has succeeded."""
    if runner.configured_function(user.pool, "PostAuthentication") is None:  # checked first: userAttributes may cost a query
        return
    request = {"userAttributes": user_attributes(user), "newDeviceUsed": new_device_used, "clientMetadata": client_metadata or {}}
    runner.invoke(user.pool, "PostAuthentication_Authentication", request, user_name=user.username, client_id=client_id)
    # Its handler may have changed the user's groups or attributes through the API (in another
    # process): the tokens read them anew.
    user.forget_read_ahead()


# --- TokenGeneration ------------------------------------------------------------------------------

def pre_token_generation(user: User, client_id: str, source: str, tokens: claims.TokenClaims, *, client_metadata: dict | None = None) -> None:
    """TokenGeneration_*: V1 events change the ID token and groups; V2 events also the access token and scopes."""
    function = runner.configured_function(user.pool, "PreTokenGeneration")
    if function is None:  # checked first: the event's userAttributes cost a query
        return
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user),
        "groupConfiguration": {
            "groupsToOverride": list(tokens.groups),
            "iamRolesToOverride": list(tokens.role_arns),
            "preferredRole": tokens.preferred_role,
        },
        "clientMetadata": client_metadata or {},
    }
    if function.event_version != "1":
        request["scopes"] = (tokens.access_claims.get("scope") or "").split()
    response = runner.invoke(user.pool, source, request, user_name=user.username, client_id=client_id)
    if not response:
        return
    claims.apply_overrides(tokens, response)


# --- UserMigration --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Migration:
    """What a UserMigration handler answered about a legacy user."""

    attributes: dict[str, str]
    final_status: str  # CONFIRMED or RESET_REQUIRED
    message_action: str | None
    force_alias_creation: bool = False  # take a verified alias over from the user who holds it
    enable_sms_mfa: bool = False


def user_migration(pool: UserPool, source: str, username: str, *, client_id: str | None, password: str | None = None,
                   validation_data: dict | None = None, client_metadata: dict | None = None) -> Migration | None:
    """UserMigration_Authentication / _ForgotPassword for a user we do not know: the legacy
    system's answer, or None when no migration function is configured."""
    request: dict[str, Any] = {"validationData": validation_data or {}, "clientMetadata": client_metadata or {}}
    if password is not None:
        request["password"] = password
    response = runner.invoke(pool, source, request, user_name=username, client_id=client_id,
                             response={"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                                       "desiredDeliveryMediums": None, "forceAliasCreation": None, "enableSMSMFA": None})
    if response is None:
        return None
    values = response.get("userAttributes")
    if not isinstance(values, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    status = response.get("finalUserStatus") or ("RESET_REQUIRED" if password is None else "CONFIRMED")
    if status not in ("CONFIRMED", "RESET_REQUIRED"):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return Migration({str(k): str(v) for k, v in values.items()}, status, response.get("messageAction"),
                     _flag(response, "forceAliasCreation"), _flag(response, "enableSMSMFA"))


# --- CustomMessage --------------------------------------------------------------------------------

CODE_PARAMETER = "{####}"
USERNAME_PARAMETER = "{username}"
# Which CustomMessage source a code of each purpose is sent under.
CUSTOM_MESSAGE_SOURCES = {
    "SIGN_UP": "CustomMessage_SignUp",
    "RESEND": "CustomMessage_ResendCode",
    "FORGOT_PASSWORD": "CustomMessage_ForgotPassword",
    "VERIFY_ATTRIBUTE": "CustomMessage_VerifyUserAttribute",
    "UPDATE_ATTRIBUTE": "CustomMessage_UpdateUserAttribute",
    "MFA": "CustomMessage_Authentication",
    "INVITATION": "CustomMessage_AdminCreateUser",
}


@dataclass(frozen=True)
class CustomMessage:
    """Message texts a CustomMessage trigger chose, still holding the {####} placeholder; None keeps the pool's."""

    email_subject: str | None = None
    email_message: str | None = None
    sms_message: str | None = None


def custom_message(user: User, source: str, *, client_id: str | None = None, client_metadata: dict | None = None) -> CustomMessage | None:
    """CustomMessage_*: the handler rewrites the mail/text around the code placeholder. A message
    without the placeholder would lose the code, so it is ignored (the pool's text is used)."""
    if runner.configured_function(user.pool, "CustomMessage") is None:
        return None
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user),
        "codeParameter": CODE_PARAMETER,
        "linkParameter": "{##Click Here##}",
        "clientMetadata": client_metadata or {},
    }
    if source == "CustomMessage_AdminCreateUser":
        request["usernameParameter"] = USERNAME_PARAMETER
    response = runner.invoke(user.pool, source, request, user_name=user.username, client_id=client_id,
                             response={"smsMessage": None, "emailMessage": None, "emailSubject": None})
    if not response:
        return None

    def carrying_code(name: str) -> str | None:
        value = response.get(name)
        return value if isinstance(value, str) and CODE_PARAMETER in value else None

    subject = response.get("emailSubject")
    return CustomMessage(subject if isinstance(subject, str) and subject else None, carrying_code("emailMessage"), carrying_code("smsMessage"))
