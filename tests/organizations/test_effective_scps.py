"""effective_scps(): the documents bounding the account per level, and its cache across writes."""
from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from iam.policy import Request, evaluate
from organizations import ids, services
from organizations.documents import for_evaluation
from organizations.models import Attachment

SCP = "SERVICE_CONTROL_POLICY"
_DENY_KMS = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]})
_DENY_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
# As effective_scps() hands them to the evaluator.
FULL, DENY_KMS, DENY_ALL = (for_evaluation(text) for text in (services.FULL_AWS_ACCESS_CONTENT, _DENY_KMS, _DENY_ALL))


def root() -> str:
    return ids.root_id(settings.ACCOUNT_ID)


# transaction=True: outside a transaction is where the cache is used, as on a request.
@pytest.mark.django_db(transaction=True)
def test_levels_follow_attach_update_and_detach_through_the_cache():
    assert services.effective_scps() == ((FULL,), (FULL,))
    policy = services.create_policy("DenyKms", "", _DENY_KMS, SCP)
    assert services.effective_scps() == ((FULL,), (FULL,))  # created, not attached: nothing changes

    services.attach_policy(policy.policy_id, settings.ACCOUNT_ID)
    assert services.effective_scps() == ((FULL,), (FULL, DENY_KMS))

    services.update_policy(policy.policy_id, content=_DENY_ALL)
    assert services.effective_scps() == ((FULL,), (FULL, DENY_ALL))

    services.attach_policy(policy.policy_id, root())
    services.detach_policy(ids.FULL_AWS_ACCESS_ID, root())
    # No allow left at the root level: the evaluator denies everything.
    assert services.effective_scps() == ((DENY_ALL,), (FULL, DENY_ALL))

    services.attach_policy(ids.FULL_AWS_ACCESS_ID, root())
    services.detach_policy(policy.policy_id, root())
    services.detach_policy(policy.policy_id, settings.ACCOUNT_ID)
    assert services.effective_scps() == ((FULL,), (FULL,))


@pytest.mark.django_db(transaction=True)
def test_a_cached_answer_costs_no_query_and_a_write_elsewhere_is_seen(django_assert_num_queries):
    services.effective_scps()
    with django_assert_num_queries(0):
        assert services.effective_scps() == ((FULL,), (FULL,))
    # Another process's write: the rows change and the shared version moves; this process's memo must not survive it.
    policy = services.create_policy("DenyKms", "", _DENY_KMS, SCP)
    Attachment.objects.create(policy=policy, target=Attachment.ACCOUNT)
    services._VERSION.bump()
    assert services.effective_scps() == ((FULL,), (FULL, DENY_KMS))


@pytest.mark.django_db(transaction=True)
def test_a_lost_version_or_a_flush_never_serves_stale_documents():
    policy = services.create_policy("DenyKms", "", _DENY_KMS, SCP)
    services.attach_policy(policy.policy_id, settings.ACCOUNT_ID)
    assert services.effective_scps()[1] == (FULL, DENY_KMS)
    Attachment.objects.filter(policy=policy).delete()  # behind the services' back ...
    cache.clear()  # ... and the version evicted: a fresh version is made and the rows read again
    assert services.effective_scps() == ((FULL,), (FULL,))
    services.attach_policy(policy.policy_id, settings.ACCOUNT_ID)
    assert services.effective_scps()[1] == (FULL, DENY_KMS)
    call_command("flush", verbosity=0, interactive=False)  # post_migrate moves the version
    assert services.effective_scps() == ((FULL,), (FULL,))


def allowed_by_scps(levels, action: str, resource: str = "*") -> bool:
    """The recipe for the authorizer: each level through the evaluator's SCP layer, with an identity
    policy that allows everything, so only the SCPs decide; every level must allow."""
    allow_all = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'
    request = Request(action, resource)
    return all(evaluate(request, identity=[allow_all], scps=level).allowed for level in levels)


@pytest.mark.django_db(transaction=True)
def test_the_levels_decide_as_aws_evaluates_scps():
    assert allowed_by_scps(services.effective_scps(), "kms:Encrypt")  # FullAWSAccess alone allows everything
    deny_kms = services.create_policy("DenyKms", "", _DENY_KMS, SCP)
    services.attach_policy(deny_kms.policy_id, settings.ACCOUNT_ID)
    assert not allowed_by_scps(services.effective_scps(), "kms:Encrypt")  # a deny anywhere wins
    assert allowed_by_scps(services.effective_scps(), "cognito-idp:ListUsers")
    # Only cognito-idp allowed at the root (AWS's example shape: no Resource): the account's FullAWSAccess cannot widen it.
    only_idp = services.create_policy("OnlyIdp", "", '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"cognito-idp:*"}}', SCP)
    services.attach_policy(only_idp.policy_id, root())
    services.detach_policy(ids.FULL_AWS_ACCESS_ID, root())
    levels = services.effective_scps()
    assert allowed_by_scps(levels, "cognito-idp:ListUsers") and not allowed_by_scps(levels, "iam:ListUsers")


@pytest.mark.django_db(transaction=True)
def test_a_transaction_uses_the_memo_but_never_keeps_its_own_writes(django_assert_num_queries):
    from django.db import transaction

    services.effective_scps()
    with transaction.atomic():
        with django_assert_num_queries(0):
            assert services.effective_scps() == ((FULL,), (FULL,))
        policy = services.create_policy("DenyKms", "", _DENY_KMS, SCP)
        services.attach_policy(policy.policy_id, settings.ACCOUNT_ID)
        assert services.effective_scps() == ((FULL,), (FULL, DENY_KMS))
        transaction.set_rollback(True)
    assert services.effective_scps() == ((FULL,), (FULL,))


@pytest.mark.django_db(transaction=True)
def test_a_memo_missed_inside_a_transaction_is_refreshed_once_it_commits(django_assert_num_queries):
    from django.db import transaction

    services.effective_scps()
    services._VERSION.bump()  # another process changed the SCPs
    with transaction.atomic():
        assert services.effective_scps() == ((FULL,), (FULL,))  # read afresh, not kept ...
    with django_assert_num_queries(0):
        assert services.effective_scps() == ((FULL,), (FULL,))  # ... until the commit refreshed it
