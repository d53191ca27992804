"""Helpers for the MFA tests: the test's own RFC 6238 TOTP (independent of the code under test)
and pools with MFA turned on."""
from __future__ import annotations

import base64
import hashlib
import hmac
import struct

SNS_ROLE = "arn:aws:iam::000000000000:role/cognito-sms"


def rfc6238(secret_b32: str, at: float, *, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def configure_mfa(idp, pool_id: str, mode: str, *, totp: bool = False, sms: bool = False, email: bool = False) -> dict:
    params = {"UserPoolId": pool_id, "MfaConfiguration": mode, "SoftwareTokenMfaConfiguration": {"Enabled": totp}}
    if sms:
        params["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsConfiguration": {"SnsCallerArn": SNS_ROLE}}
    if email:
        params["EmailMfaConfiguration"] = {"Subject": "Sign-in code", "Message": "Your sign-in code is {####}"}
    return idp.set_user_pool_mfa_config(**params)
