"""core.prepared writes the row save() would write, with its shortcut for plain text and flags."""
from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from audit.models import Event

pytestmark = pytest.mark.django_db


def _event(**overrides) -> Event:
    values = dict(
        event_time=timezone.now(), event_source="cognito-idp.amazonaws.com", event_name="GetUser", aws_region="us-east-1",
        source_ip="127.0.0.1", user_agent="Boto3/1.0 ünïcode", identity_type="Unknown", principal_arn="", read_only=True,
        request_parameters={"accessToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "n": [1, 2]}, error_code="", error_message="a\nb",
        resources=[{"ResourceType": "AWS::Cognito::UserPool", "ResourceName": "us-east-1_x"}], additional_event_data=None,
    )
    values.update(overrides)
    return Event(**values)


def _row(event_id: uuid.UUID) -> dict:
    row = Event.objects.filter(event_id=event_id).values().get()
    row.pop("event_id")
    return row


@pytest.mark.parametrize("overrides", [{}, {"read_only": False, "error_code": "NotAuthorizedException", "additional_event_data": {"sub": "x"}}])
def test_insert_writes_the_row_save_would(overrides):
    moment = timezone.now()
    inserted, saved = _event(event_time=moment, **overrides), _event(event_time=moment, **overrides)
    inserted.insert()
    saved.save()
    assert _row(inserted.event_id) == _row(saved.event_id)
    assert not inserted._state.adding


@pytest.mark.parametrize("overrides", [{}, {"read_only": False, "error_code": "NotAuthorizedException", "additional_event_data": {"sub": "x"}}])
def test_copy_writes_the_rows_save_would(overrides):
    from django.db import connection

    from core import prepared

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    moment = timezone.now()
    fields = {name: value for name, value in vars(_event(event_time=moment, **overrides)).items() if not name.startswith("_")}
    del fields["event_type"]  # left out: it takes its default
    copied, saved = dict(fields, event_id=uuid.uuid4()), _event(event_time=moment, **overrides)
    prepared.columns(Event, "default").copy([copied, dict(fields, event_id=uuid.uuid4())])
    saved.save()
    assert _row(copied["event_id"]) == _row(saved.event_id)
    assert Event.objects.count() == 3


def test_a_value_of_another_type_still_goes_through_the_fields_conversion():
    event = _event(source_ip=12345, read_only=1)  # what save() would coerce: text and a flag
    event.insert()
    row = _row(event.event_id)
    assert (row["source_ip"], row["read_only"]) == ("12345", True)


def test_columns_of_some_fields_read_but_never_write_a_partial_row():
    from django.db import connection

    from core.prepared import columns

    some = columns(Event, connection.alias, ("event_id", "event_name"))
    with pytest.raises(TypeError):
        some.insert(_event())
    assert not Event.objects.exists()
