"""The hosted UI and OAuth 2.0 endpoints, under a pool's issuer URL `<PUBLIC_URL>/<poolId>/`."""
from django.urls import path

from userpools.hosted import challenge_views, oauth_views, page_views

urlpatterns = [
    path("oauth2/authorize", oauth_views.authorize, name="hosted-authorize"),
    path("oauth2/token", oauth_views.token, name="hosted-token"),
    path("oauth2/userInfo", oauth_views.user_info, name="hosted-userinfo"),
    path("oauth2/revoke", oauth_views.revoke, name="hosted-revoke"),
    path("logout", oauth_views.logout, name="hosted-logout"),
    path("login", page_views.login, name="hosted-login"),
    path("signup", page_views.sign_up, name="hosted-signup"),
    path("confirm", page_views.confirm, name="hosted-confirm"),
    path("resendcode", page_views.resend_code, name="hosted-resend-code"),
    path("forgotPassword", page_views.forgot_password, name="hosted-forgot-password"),
    path("confirmForgotPassword", page_views.confirm_forgot_password, name="hosted-confirm-forgot-password"),
    path("challenge", challenge_views.answer, name="hosted-challenge"),
    path("ui/logo", page_views.logo, name="hosted-logo"),
]
