"""GetId for logins already linked finds its identity by one look at each login, not two."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from identitypools.models import IdentityPool, Login
from identitypools.services import identities
from identitypools.services.logins import VerifiedLogin

pytestmark = pytest.mark.django_db


def test_a_known_login_is_looked_up_once_and_its_identity_returned():
    pool = IdentityPool.objects.create(pool_id="us-east-1:11111111-2222-3333-4444-555555555555", name="reads")
    login = VerifiedLogin(key="issuer.example.com", provider="issuer.example.com", subject="user-1", claims={},
                          names=("issuer.example.com",), amr=("authenticated",))
    first = identities.identity_for_logins(pool, [login])
    with CaptureQueriesContext(connection) as sent:
        again = identities.identity_for_logins(pool, [login])
    assert again.pk == first.pk and again.pool == pool
    login_reads = [query["sql"] for query in sent.captured_queries if Login._meta.db_table in query["sql"]]
    assert len(login_reads) == 1, login_reads
    assert Login.objects.filter(identity=first).count() == 1
