"""The hosted UI's steps after the password: new password, MFA code, choosing a factor and TOTP
enrolment. Each page carries the sign-in's opaque Session in a hidden field (it is encrypted and
bound to the client), and answers through the same stage machine as RespondToAuthChallenge."""
from __future__ import annotations

import json
from urllib.parse import quote

import segno
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.net import client_ip
from userpools.hosted import flow, render
from userpools.hosted.pool import hosted
from userpools.models import User, UserPool, UserPoolClient
from userpools.services import mfa, signin
from userpools.services.oauth import requests

# ChallengeName -> the ChallengeResponses member its code goes in.
CODE_ANSWERS = {"SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE", "SMS_MFA": "SMS_MFA_CODE", "EMAIL_OTP": "EMAIL_OTP_CODE"}
_FACTOR_LABELS = {"SOFTWARE_TOKEN_MFA": "Authenticator app", "SMS_MFA": "Text message (SMS)", "EMAIL_OTP": "Email"}


def next_step(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest, username: str, result: dict) -> HttpResponse:
    """The page (or the final redirect) a sign-in step's result leads to."""
    signed_in = result.get("SignedIn")
    if signed_in is not None:
        user = User.objects.get(pool=pool, sub=signed_in["sub"])
        return flow.complete_sign_in(request, pool, checked.client, user, checked.params, auth_time=signed_in["auth_time"])
    name, session, parameters = result["ChallengeName"], result["Session"], result.get("ChallengeParameters") or {}
    context = {"challenge": name, "session": session, "username": username}
    if name == "NEW_PASSWORD_REQUIRED":
        required = [item.removeprefix("userAttributes.") for item in json.loads(parameters.get("requiredAttributes") or "[]")]
        return render.page(request, pool, checked.client, "new_password", {**context, "required": required})
    if name in CODE_ANSWERS:
        return render.page(request, pool, checked.client, "mfa", {**context, "destination": parameters.get("CODE_DELIVERY_DESTINATION", ""),
                                                                     "medium": parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM", "")})
    if name == "SELECT_MFA_TYPE":
        choices = [(choice, _FACTOR_LABELS.get(choice, choice)) for choice in json.loads(parameters.get("MFAS_CAN_CHOOSE") or "[]")]
        return render.page(request, pool, checked.client, "select_mfa", {**context, "choices": choices})
    if name == "MFA_SETUP":
        try:
            return _totp_enrolment(request, pool, checked.client, context)
        except ServiceError as error:  # no factor the user could set up here (TOTP off in the pool)
            return render.error(request, pool, checked.client, error)
    return render.error(request, pool, checked.client, ServiceError(f"The sign-in needs {name}, which this page cannot answer."))


def _totp_enrolment(request: HttpRequest, pool: UserPool, client: UserPoolClient, context: dict, *,
                    secret: str | None = None, status: int = 200) -> HttpResponse:
    """The enrolment page for `secret`, or for a newly associated one (and its Session) when None."""
    if secret is None:
        associated = mfa.associate_software_token(None, context["session"])
        secret, context = associated["SecretCode"], {**context, "session": associated["Session"]}
    label = quote(f"{pool.name}:{context['username']}")
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={quote(pool.name)}"
    qr = segno.make(uri, error="m").svg_inline(scale=4, title="QR code of the authenticator secret")
    return render.page(request, pool, client, "totp_setup", {**context, "secret": secret, "qr_svg": qr}, status=status)


@hosted
@require_POST
@render.for_authorize_request
@render.for_native_accounts
def answer(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest) -> HttpResponse:
    """POST /<pool>/challenge: the answer to the pending step (CSRF-protected form)."""
    name, session = request.POST.get("challenge", ""), request.POST.get("session", "")
    username = request.POST.get("username", "")
    context = {"challenge": name, "session": session, "username": username}
    try:
        responses = {"USERNAME": username, **_responses(name, request.POST)}
        if name == "MFA_SETUP":
            session = mfa.verify_software_token(None, session, request.POST.get("code", ""), None)["Session"]
        result = signin.hosted_respond(checked.client, name, session, responses, source_ip=client_ip(request.META))
    except ServiceError as error:
        return _again(request, pool, checked, context, error)
    return next_step(request, pool, checked, username, result)


def _responses(name: str, form) -> dict[str, str]:
    if name == "NEW_PASSWORD_REQUIRED":
        given = {key: value for key, value in form.items() if key.startswith("userAttributes.") and value}
        return {"NEW_PASSWORD": form.get("new_password", ""), **given}
    if name in CODE_ANSWERS:
        return {CODE_ANSWERS[name]: form.get("code", "")}
    if name == "SELECT_MFA_TYPE":
        return {"ANSWER": form.get("answer", "")}
    return {}


def _again(request: HttpRequest, pool: UserPool, checked: requests.AuthorizationRequest, context: dict, error: ServiceError) -> HttpResponse:
    """The same step shown again with the error; a dead Session sends the user back to sign in."""
    name = context["challenge"]
    if error.error_type == "NotAuthorizedException" and "session" in error.message.lower():
        return render.page(request, pool, checked.client, "login", {"error": error.message}, status=400)
    templates = {"NEW_PASSWORD_REQUIRED": "new_password", "SELECT_MFA_TYPE": "select_mfa", "MFA_SETUP": "totp_setup"}
    template = templates.get(name, "mfa")
    extra: dict = {"required": request.POST.getlist("required")} if name == "NEW_PASSWORD_REQUIRED" else {}
    if name == "SELECT_MFA_TYPE":
        extra["choices"] = [(choice, _FACTOR_LABELS.get(choice, choice)) for choice in request.POST.getlist("choices")]
    if name == "MFA_SETUP":
        # The secret the user's app already has, read back from the server (never from the form),
        # with the same Session, which serves VerifySoftwareToken again until it expires.
        try:
            secret = mfa.pending_software_token(context["session"])
            return _totp_enrolment(request, pool, checked.client, {**context, "error": error.message}, secret=secret, status=400)
        except ServiceError as problem:
            return render.error(request, pool, checked.client, problem)
    return render.page(request, pool, checked.client, template, {**context, **extra, "error": error.message}, status=400)
