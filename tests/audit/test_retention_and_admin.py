"""Retention prunes by age only; the trail is append-only in code, in the database and in admin."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AppendOnlyError, Event
from tests.audit.support import stored

# Transactional like the live-server tests before it: a plain django_db test right after them meets
# their request threads still closing the shared in-memory SQLite connection (a warning, not a failure).
pytestmark = pytest.mark.django_db(transaction=True)


def test_pruneaudit_deletes_only_old_rows(settings):
    now = timezone.now()
    old = [stored(f"Old{i}", now - timedelta(days=100 + i)).pk for i in range(7)]
    recent = stored("Recent", now - timedelta(days=10)).pk
    fresh = stored("Fresh", now).pk
    call_command("pruneaudit", "--batch-size", "3")  # AUDIT_RETENTION_DAYS: 90
    assert set(Event.objects.values_list("pk", flat=True)) == {recent, fresh}
    assert not Event.objects.filter(pk__in=old).exists()
    settings.AUDIT_RETENTION_DAYS = 5
    call_command("pruneaudit")
    assert list(Event.objects.values_list("pk", flat=True)) == [fresh]
    with pytest.raises(CommandError):
        call_command("pruneaudit", "--older-than-days", "0")


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = stored("Call", timezone.now())
    event.event_name = "Forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(event_name="Forged")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    assert Event.objects.get().event_name == "Call"


def test_the_database_refuses_updates():
    event = stored("Call", timezone.now())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET event_name = 'Forged' WHERE event_id = %s", [event.pk.hex if connection.vendor == "sqlite" else event.pk])
    assert Event.objects.get().event_name == "Call"


@pytest.mark.postgres
def test_postgresql_refuses_deletes_outside_the_retention_command():
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE guard is a PostgreSQL trigger")
    event = stored("Call", timezone.now())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE event_id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.fixture
def admin_client(client):
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password")
    client.force_login(superuser)
    return client


def test_admin_lists_and_filters_but_never_changes(admin_client):
    event = stored("AdminCreateUser", timezone.now(), source="cognito-idp.amazonaws.com",
                   arn="arn:aws:iam::000000000000:user/alice", key="AKIAALICEKEY0000001")
    changelist = reverse("admin:audit_event_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200 and b"AdminCreateUser" in page.content
    for query in ({"event_source": "cognito-idp.amazonaws.com"}, {"identity_type": "IAMUser"}, {"q": "alice"},
                  {"q": "AKIAALICEKEY0000001"}, {"event_name": "AdminCreateUser"}, {"error_code": ""}):
        response = admin_client.get(changelist, query)
        assert response.status_code == 200 and b"AdminCreateUser" in response.content, query
    assert b"Forged" not in admin_client.get(changelist, {"q": "nobody-at-all"}).content
    change = reverse("admin:audit_event_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200  # viewable
    assert admin_client.post(change, {"event_name": "Forged"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_event_add")).status_code == 403
    assert admin_client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert Event.objects.get().event_name == "AdminCreateUser"
