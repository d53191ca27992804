"""iam.services.decide: the decision authorize() raises, returned with the caller and the
statement that decided; request-supplied context never replaces the caller's own keys."""
from __future__ import annotations

import pytest

from core import errors
from iam import services
from iam.models import Principal
from tests.conftest import make_client
from tests.iam.support import ACCOUNT, allow, deny, doc, user_with_key


@pytest.fixture
def dana(live_server):
    iam = make_client(live_server.url, "iam")
    user_with_key(iam, "dana", doc(
        {"Sid": "OwnNotes", **allow("myapp:*", "arn:aws:myapp:::note/${aws:username}/*")},
        {"Sid": "NoPurge", **deny("myapp:Purge")},
        allow("myapp:List", "*", Condition={"StringEquals": {"myapp:Scope": "mine"}}),
    ))
    return Principal.objects.get(name="dana")


def test_decide_returns_the_decision_and_what_decided_it(dana):
    allowed = services.decide(dana, "myapp:ReadNote", "arn:aws:myapp:::note/dana/1")
    assert allowed.allowed and allowed.reason == "" and allowed.caller.arn == f"arn:aws:iam::{ACCOUNT}:user/dana"
    assert (allowed.decision.kind, allowed.decision.policy, allowed.decision.statement) == ("Allow", "user/dana/p0", "OwnNotes")

    implicit = services.decide(dana, "myapp:ReadNote", "arn:aws:myapp:::note/eve/1")
    assert not implicit.allowed and implicit.decision.kind == "ImplicitDeny"
    assert implicit.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/dana is not authorized to perform: myapp:ReadNote on resource: "
        "arn:aws:myapp:::note/eve/1 because no identity-based policy allows the myapp:ReadNote action"
    )
    with pytest.raises(errors.AccessDeniedException) as excinfo:
        services.authorize(dana, "myapp:ReadNote", "arn:aws:myapp:::note/eve/1")
    assert excinfo.value.message == implicit.message

    explicit = services.decide(dana, "myapp:Purge", "arn:aws:myapp:::note/dana/1")
    assert explicit.decision.kind == "ExplicitDeny" and explicit.decision.statement == "NoPurge"


def test_extra_context_feeds_conditions_but_cannot_impersonate(dana):
    assert services.decide(dana, "myapp:List", "*", context={"myapp:Scope": "mine"}).allowed
    assert not services.decide(dana, "myapp:List", "*", context={"myapp:Scope": "all"}).allowed
    assert not services.decide(dana, "myapp:ReadNote", "arn:aws:myapp:::note/eve/1", context={"aws:username": "eve"}).allowed


def test_root_and_get_caller_identity_need_no_policy(dana):
    root = services.root_principal()
    assert services.decide(root, "myapp:Anything", "*").allowed
    who = services.decide(dana, "sts:GetCallerIdentity", "*")
    assert who.allowed and who.decision is None
