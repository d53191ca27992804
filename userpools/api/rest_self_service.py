"""User-facing REST routes: what an app's own users do, through the same AWS operations.

Routes under `clients/<client_id>/` need no credentials (like SignUp on AWS); routes under `me`
are authorized by the user's access token (`Authorization: Bearer <AccessToken>`), which
becomes the operation's AccessToken member.
"""
from django.urls import path

from awsapi.fronts.rest import BEARER, PUBLIC, Route, route_view
from userpools.api.rest_routes import route

CLIENT = "clients/<str:client_id>"


def _me(operation: str) -> Route:
    return route(operation, "me", auth=BEARER)


def _public(operation: str, status: int = 200) -> Route:
    return route(operation, "sign-in", status=status, auth=PUBLIC)


urlpatterns = [
    path("me", route_view(GET=_me("GetUser"), PATCH=_me("UpdateUserAttributes"), DELETE=_me("DeleteUser")), name="me"),
    path("me/password", route_view(POST=_me("ChangePassword")), name="me-password"),
    path("me/sign-out", route_view(POST=_me("GlobalSignOut")), name="me-sign-out"),
    path("me/mfa-preference", route_view(PUT=_me("SetUserMFAPreference")), name="me-mfa-preference"),
    path("me/software-token", route_view(POST=_me("AssociateSoftwareToken")), name="me-software-token"),
    path("me/software-token/verify", route_view(POST=_me("VerifySoftwareToken")), name="me-software-token-verify"),
    path("me/devices", route_view(GET=_me("ListDevices")), name="me-devices"),
    path("me/devices/<str:device_key>", route_view(GET=_me("GetDevice"), DELETE=_me("ForgetDevice")), name="me-device"),
    path("me/devices/<str:device_key>/status", route_view(PUT=_me("UpdateDeviceStatus")), name="me-device-status"),
    path("me/attributes/delete", route_view(POST=_me("DeleteUserAttributes")), name="me-delete-attributes"),
    path("me/verification-code", route_view(POST=_me("GetUserAttributeVerificationCode")), name="me-verification-code"),
    path("me/verify-attribute", route_view(POST=_me("VerifyUserAttribute")), name="me-verify-attribute"),
    path(f"{CLIENT}/sign-up", route_view(POST=_public("SignUp", status=201)), name="sign-up"),
    path(f"{CLIENT}/confirm-sign-up", route_view(POST=_public("ConfirmSignUp")), name="confirm-sign-up"),
    path(f"{CLIENT}/resend-confirmation-code", route_view(POST=_public("ResendConfirmationCode")), name="resend-code"),
    path(f"{CLIENT}/forgot-password", route_view(POST=_public("ForgotPassword")), name="forgot-password"),
    path(f"{CLIENT}/confirm-forgot-password", route_view(POST=_public("ConfirmForgotPassword")), name="confirm-forgot-password"),
    path(f"{CLIENT}/initiate-auth", route_view(POST=_public("InitiateAuth")), name="initiate-auth"),
    path(f"{CLIENT}/respond-to-auth-challenge", route_view(POST=_public("RespondToAuthChallenge")), name="respond-to-auth-challenge"),
    path(f"{CLIENT}/revoke-token", route_view(POST=_public("RevokeToken")), name="revoke-token"),
]
