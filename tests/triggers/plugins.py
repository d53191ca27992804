"""Example trigger plugins for the tests: plain `handler(event, context)` callables, as in a Python Lambda.

Shared by the trigger tests (helpers I and J): add functions, don't rewrite existing ones.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


def echo(event, context):
    """Returns the event unchanged: "carry on as usual" for every trigger."""
    return event


def auto_confirm(event, context):
    event["response"]["autoConfirmUser"] = True
    return event


def reject(event, context):
    raise Exception("Sign-ups from this domain are not allowed")


def return_none(event, context):
    return None


def return_text(event, context):
    return "this is not an event"


def return_unserialisable(event, context):
    return {"response": {"when": object()}}


def drop_response(event, context):
    event.pop("response")
    return event


def slow(event, context):
    time.sleep(float(os.environ.get("SLOW_PLUGIN_SECONDS", "3")))
    return event


def context_probe(event, context):
    """Reports what the Lambda context offered, so tests can see it."""
    event["response"]["context"] = {
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "aws_request_id": context.aws_request_id,
    }
    return event


def count_calls(event, context):
    """Appends a line per call to the file named in the request, then is slow when asked to be."""
    path = Path(event["request"]["counterFile"])
    with path.open("a") as handle:
        handle.write(f"{event['triggerSource']}\n")
    delay = float(event["request"].get("sleep", 0))
    if delay:
        time.sleep(delay)
    return event


def flaky_async(event, context):
    """Fails until the counter file has `failUntil` lines, then succeeds (for sender retries)."""
    path = Path(event["request"]["counterFile"])
    with path.open("a") as handle:
        handle.write("call\n")
    calls = len(path.read_text().splitlines())
    if calls < int(event["request"].get("failUntil", 0)):
        raise RuntimeError(f"temporary failure {calls}")
    return event


def whoami(event, context):
    """Says which process ran it, so tests can tell a worker from the caller."""
    event["response"]["pid"] = os.getpid()
    return event


def readme_presignup(event, context):
    """The README's worked example, verbatim, so the guide stays true."""
    email = event["request"]["userAttributes"].get("email", "")
    if not email.endswith("@example.com"):
        raise Exception("Only example.com addresses may sign up")  # -> UserLambdaValidationException
    event["response"]["autoConfirmUser"] = True
    event["response"]["autoVerifyEmail"] = True
    return event


# --- custom authentication: a maths question per round (CUSTOM_AUTH tests) ----------------------

CHALLENGE_EVENTS: list[dict] = []  # every challenge-trigger event received, newest last
MATHS_ATTEMPTS = 3  # wrong answers allowed per sign-in before the flow fails


def _define_maths(event, rounds: int):
    CHALLENGE_EVENTS.append(event)
    history = event["request"]["session"]
    response = event["response"]
    response["issueTokens"] = response["failAuthentication"] = False
    last = history[-1] if history else None
    solved = sum(1 for entry in history if entry["challengeName"] == "CUSTOM_CHALLENGE" and entry["challengeResult"])
    wrong = sum(1 for entry in history if entry["challengeName"] == "CUSTOM_CHALLENGE" and not entry["challengeResult"])
    if last is not None and last["challengeName"] == "SRP_A":
        response["challengeName"] = "PASSWORD_VERIFIER"
    elif last is not None and last["challengeName"] == "PASSWORD_VERIFIER" and not last["challengeResult"]:
        response["failAuthentication"] = True
    elif solved >= rounds and not event["request"]["userNotFound"]:
        response["issueTokens"] = True
    elif wrong >= MATHS_ATTEMPTS:
        response["failAuthentication"] = True
    else:
        response["challengeName"] = "CUSTOM_CHALLENGE"
    return event


def define_maths(event, context):
    """One right answer signs in; three wrong ones fail the sign-in."""
    return _define_maths(event, rounds=1)


def define_maths_twice(event, context):
    """Two right answers sign in."""
    return _define_maths(event, rounds=2)


def create_maths(event, context):
    CHALLENGE_EVENTS.append(event)
    number = len(event["request"]["session"]) + 2
    event["response"]["publicChallengeParameters"] = {"question": f"{number} * {number + 1}"}
    event["response"]["privateChallengeParameters"] = {"answer": str(number * (number + 1))}
    event["response"]["challengeMetadata"] = f"MATHS-{number}"
    return event


def verify_maths(event, context):
    CHALLENGE_EVENTS.append(event)
    expected = event["request"]["privateChallengeParameters"]["answer"]
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
    return event


def define_fail(event, context):
    CHALLENGE_EVENTS.append(event)
    event["response"]["failAuthentication"] = True
    return event


def create_broken(event, context):
    raise Exception("The question bank is closed")


# --- sign-in sources: which trigger got what (test_sources_signin.py, test_custom_auth.py) --------

SIGN_IN_EVENTS: list[dict] = []  # every event record_sign_in received, newest last


def record_sign_in(event, context):
    """Carries on as usual and keeps the event, for any sign-in trigger."""
    SIGN_IN_EVENTS.append(event)
    return event
