"""Drive a running server with boto3 from N threads and print ops/s, p50 and p99.

Starts nothing itself. Point it at `make run` (or a production deployment) with a root key:

    ROOT_ACCESS_KEY_ID=... ROOT_SECRET_ACCESS_KEY=... .venv/bin/python bench/auth_bench.py \
        --endpoint http://127.0.0.1:8000 --threads 4 --requests 200

The baseline row (DescribeUserPool: one signed call, one indexed read) is measured in the same
run, so the other rows read as "cost over the protocol floor" on this machine. The SRP row (needs
requirements-dev.txt) times the two server calls only, leaving out the client's own SRP maths.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import statistics
import struct
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import boto3
import srp_timing
from botocore import UNSIGNED
from botocore.config import Config

PASSWORD = "Bench-Passw0rd!"


def client(endpoint: str, signed: bool = True):
    """A cognito-idp client; signed by the root key for admin calls, unsigned for public ones."""
    config = Config(retries={"max_attempts": 1}, max_pool_connections=64)
    if not signed:
        return boto3.client(
            "cognito-idp", endpoint_url=endpoint, region_name="us-east-1", config=config.merge(Config(signature_version=UNSIGNED))
        )
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("ROOT_ACCESS_KEY_ID") or os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ.get("ROOT_SECRET_ACCESS_KEY") or os.environ["AWS_SECRET_ACCESS_KEY"],
        config=config,
    )


def totp(secret_base32: str, at: float) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), computed here so the bench trusts no server code."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def measure(name: str, count: int, threads: int, call: Callable[[int], float | None]) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        started = time.perf_counter()
        server_seconds = call(index)  # a call may report its server time, leaving out client work
        elapsed = server_seconds if isinstance(server_seconds, float) else time.perf_counter() - started
        with lock:
            latencies.append(elapsed)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(count)))
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "name": name,
        "ops": count / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def trigger_rows(admin, public, args) -> list[dict]:
    """SignUp with a custom email sender (the code encrypted, the sender queued) and sign-in with a
    pre token generation trigger, both on bench/plugins.py's no-op handlers; none when the server
    does not have them registered."""
    function = "arn:aws:lambda:us-east-1:000000000000:function:"
    lambda_config = {
        "PreTokenGeneration": function + "bench-noop",
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": function + "bench-sender"},
        "KMSKeyID": "arn:aws:kms:us-east-1:000000000000:key/bench",
    }
    pool_id = admin.create_user_pool(PoolName=f"bench-triggers-{uuid.uuid4().hex[:8]}", AutoVerifiedAttributes=["email"],
                                     LambdaConfig=lambda_config)["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="bench", ExplicitAuthFlows=[
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    names = [f"trig-{i}-{uuid.uuid4().hex[:6]}" for i in range(args.requests)]

    def sign_up(i: int) -> None:
        public.sign_up(ClientId=client_id, Username=names[i], Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": f"{names[i]}@example.com"}])

    def sign_in(i: int) -> None:
        public.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": names[i], "PASSWORD": PASSWORD})

    try:
        sign_up(0)
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=names[0])
        sign_in(0)
    except public.exceptions.UnexpectedLambdaException:
        print("(trigger rows skipped: start the server with TRIGGER_PLUGINS from bench/plugins.py)")
        admin.delete_user_pool(UserPoolId=pool_id)
        return []
    names[0] = f"trig-0-{uuid.uuid4().hex[:6]}"
    rows = [measure("SignUp + CustomEmailSender", args.requests, args.threads, sign_up)]
    for name in names:
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    rows.append(measure("InitiateAuth + PreTokenGeneration", args.requests, args.threads, sign_in))
    admin.delete_user_pool(UserPoolId=pool_id)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8000")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="calls per operation")
    args = parser.parse_args()
    admin, public = client(args.endpoint), client(args.endpoint, signed=False)

    pool_id = admin.create_user_pool(PoolName=f"bench-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    # Optional MFA: only users who enrol in TOTP (the last row) get the SOFTWARE_TOKEN_MFA challenge.
    admin.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    names = [f"user-{i}-{uuid.uuid4().hex[:6]}" for i in range(args.requests)]
    tokens: list[dict] = [{} for _ in names]

    def sign_up(i: int) -> None:
        public.sign_up(ClientId=client_id, Username=names[i], Password=PASSWORD)

    def sign_in(i: int) -> None:
        result = public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": names[i], "PASSWORD": PASSWORD}
        )
        tokens[i] = result["AuthenticationResult"]

    def refresh(i: int) -> None:
        public.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens[i]["RefreshToken"]}
        )

    def get_user(i: int) -> None:
        public.get_user(AccessToken=tokens[i]["AccessToken"])

    def srp_sign_in(i: int) -> float:
        return srp_timing.timed_srp_sign_in(public, pool_id, client_id, names[i], PASSWORD)

    secrets: list[str] = ["" for _ in names]

    def enrol_totp(i: int) -> None:
        token = tokens[i]["AccessToken"]
        secrets[i] = public.associate_software_token(AccessToken=token)["SecretCode"]
        public.verify_software_token(AccessToken=token, UserCode=totp(secrets[i], time.time()))
        public.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    def totp_sign_in(i: int) -> None:
        """Password, then the SOFTWARE_TOKEN_MFA challenge; the next step's code (one-step drift
        is allowed) so it cannot collide with the step used at enrolment."""
        challenge = public.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": names[i], "PASSWORD": PASSWORD}
        )
        result = public.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": names[i], "SOFTWARE_TOKEN_MFA_CODE": totp(secrets[i], time.time() + 30)},
        )
        assert "AuthenticationResult" in result

    def baseline(i: int) -> None:
        admin.describe_user_pool(UserPoolId=pool_id)

    for i in range(20):  # warm every server process (imports, connections, key caches) before timing
        baseline(i)
    rows = [measure("baseline: DescribeUserPool", args.requests, args.threads, baseline)]
    rows.append(measure("SignUp", args.requests, args.threads, sign_up))
    for name in names:  # confirmation is not under test
        admin.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    rows.append(measure("InitiateAuth USER_PASSWORD_AUTH", args.requests, args.threads, sign_in))
    rows.append(measure("InitiateAuth REFRESH_TOKEN_AUTH", args.requests, args.threads, refresh))
    if srp_timing.available:
        rows.append(measure("USER_SRP_AUTH (both steps)", args.requests, args.threads, srp_sign_in))
    rows.append(measure("GetUser", args.requests, args.threads, get_user))
    for i in range(len(names)):  # enrolment is not under test
        enrol_totp(i)
    rows.append(measure("TOTP sign-in (both steps)", args.requests, args.threads, totp_sign_in))

    rows.extend(trigger_rows(admin, public, args))

    floor = rows[0]["ops"]
    print(f"endpoint {args.endpoint}, {args.threads} threads, {args.requests} calls per operation, {os.cpu_count()} cores")
    print(f"{'operation':34} {'ops/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'vs baseline':>12}")
    for row in rows:
        print(f"{row['name']:34} {row['ops']:9.1f} {row['p50']:9.1f} {row['p99']:9.1f} {row['ops'] / floor:11.2f}x")
    admin.delete_user_pool(UserPoolId=pool_id)


if __name__ == "__main__":
    main()
