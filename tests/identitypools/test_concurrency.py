"""Concurrent first GetId calls for one new login make one identity (PostgreSQL)."""
from __future__ import annotations

import pytest

from identitypools.models import Identity, Login
from tests.identitypools.support import provider_name, root_clients, sign_in, unsigned, user_pool
from tests.userpools.concurrency import require_postgresql, run_together, successes


@pytest.mark.django_db(transaction=True)
def test_concurrent_get_id_for_one_new_login_makes_one_identity(live_server):
    require_postgresql()
    c = root_clients(live_server.url)
    pool, client = user_pool(c["cognito-idp"])
    ipool = c["cognito-identity"].create_identity_pool(
        IdentityPoolName="race", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider_name(pool), "ClientId": client}],
    )["IdentityPoolId"]
    for round_ in range(3):
        logins = {provider_name(pool): sign_in(c["cognito-idp"], pool, client, f"racer{round_}")["IdToken"]}
        clients = [unsigned(live_server.url) for _ in range(6)]
        results = run_together([lambda cl=cl, lg=logins: cl.get_id(IdentityPoolId=ipool, Logins=lg)["IdentityId"] for cl in clients])
        assert len(successes(results)) == 6, results
        assert len(set(results)) == 1
    assert Identity.objects.filter(pool_id=ipool).count() == 3
    assert Login.objects.filter(pool_id=ipool).count() == 3
