"""The hot path: sealed session tokens, policy sets cached per generation, and invalidation that
every process sees (the generation lives in Django's cache)."""
from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from core import errors
from iam import session_tokens
from iam.models import Principal, Role
from iam.services import authorization, authorize, entities, policies, sts

pytestmark = pytest.mark.django_db(transaction=True)
POOL = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"


def _doc(action: str, effect: str = "Allow") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": "*"}]})


def _trust() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


def test_sealed_tokens_round_trip_and_refuse_tampering():
    token = session_tokens.seal({"k": "ASIAX", "e": 5}, "key-one")
    assert session_tokens.open_token(token, "key-one") == {"k": "ASIAX", "e": 5}
    with pytest.raises(session_tokens.TokenInvalid):
        session_tokens.open_token(token, "key-two")
    for index in (0, 3, len(token) // 2, len(token) - 2):
        altered = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
        with pytest.raises(session_tokens.TokenInvalid):
            session_tokens.open_token(altered, "key-one")
    with pytest.raises(session_tokens.TokenInvalid):
        session_tokens.open_token("not a token", "key-one")


def test_a_role_session_call_reads_no_database(django_assert_num_queries):
    user = entities.create_user("caller")
    role = entities.create_role("app", _trust())
    policies.put_inline(role, "p", _doc("cognito-idp:ListUsers"))
    assumed = sts.assume_role(user, role.arn("000000000000"), "sess")
    creds = assumed.credentials
    session = sts.open_session(creds.session_token, creds.access_key_id)
    authorize(session, "cognito-idp:ListUsers", POOL)  # compiles and caches the role's set
    with django_assert_num_queries(0):
        session = sts.open_session(creds.session_token, creds.access_key_id)
        authorize(session, "cognito-idp:ListUsers", POOL)
        with pytest.raises(errors.AccessDeniedException):
            authorize(session, "cognito-idp:AdminCreateUser", POOL)


def test_changes_bump_the_shared_generation_and_decide_at_once():
    user = Principal.objects.create(name="u")
    group = entities.create_group("g")
    group.members.add(user)
    policies.put_inline(user, "p", _doc("kms:Encrypt"))
    authorize(user, "kms:Encrypt", "*")
    before = cache.get(authorization.GENERATION_KEY)
    policies.put_inline(group, "deny", _doc("kms:Encrypt", "Deny"))
    after = cache.get(authorization.GENERATION_KEY)
    assert before and after and before != after
    with pytest.raises(errors.AccessDeniedException):
        authorize(user, "kms:Encrypt", "*")
    group.members.remove(user)  # an m2m change bumps too
    authorize(user, "kms:Encrypt", "*")


def test_another_process_bump_is_seen():
    user = Principal.objects.create(name="u2")
    policies.put_inline(user, "p", _doc("kms:Encrypt"))
    authorize(user, "kms:Encrypt", "*")
    # Another process changed the policy (rows written without this process's signals) and bumped
    # the shared generation: this process must not keep using its compiled set.
    from iam.models import InlinePolicy

    InlinePolicy.objects.filter(user=user).update(document=_doc("kms:Decrypt"))
    authorize(user, "kms:Encrypt", "*")  # still the cached set: no bump yet
    cache.set(authorization.GENERATION_KEY, "bumped-elsewhere", None)
    with pytest.raises(errors.AccessDeniedException):
        authorize(user, "kms:Encrypt", "*")
    authorize(user, "kms:Decrypt", "*")


def test_deleted_role_and_expired_sessions():
    user = entities.create_user("c")
    role = entities.create_role("gone", _trust())
    creds = sts.assume_role(user, role.arn("000000000000"), "sess").credentials
    Role.objects.filter(pk=role.pk).delete()
    session = sts.open_session(creds.session_token, creds.access_key_id)
    assert not authorization.policy_set(session).exists
    with pytest.raises(errors.UnrecognizedClientException):
        authorize(session, "kms:Encrypt", "*")
    with pytest.raises(Exception) as excinfo:
        sts.open_session(creds.session_token, creds.access_key_id, now=session.expires + 1)
    assert excinfo.value.__class__.__name__ == "ExpiredToken"


@pytest.mark.django_db(transaction=False)
def test_inside_a_transaction_decisions_follow_uncommitted_changes_and_are_not_kept():
    user = Principal.objects.create(name="in-tx")
    policies.put_inline(user, "p", _doc("kms:Encrypt"))
    authorize(user, "kms:Encrypt", "*")
    policies.delete_inline(user, "p")  # no commit ever comes in this test's transaction
    with pytest.raises(errors.AccessDeniedException):
        authorize(user, "kms:Encrypt", "*")
    assert ("user", user.pk) not in authorization._sets  # nothing read in a transaction is kept
