"""lookup_events: each lookup attribute, time ranges, pagination without duplicates or misses, AWS's errors."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

from audit.models import Event
from tests.audit.support import all_events, cloudtrail, stored, trail
from tests.conftest import REGION, error_code, make_client

pytestmark = pytest.mark.django_db(transaction=True)
SOURCE = "test.amazonaws.com"
BASE = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
USER_ARN = f"arn:aws:iam::{settings.ACCOUNT_ID}:user/alice"


def _only(source=SOURCE):
    return [{"AttributeKey": "EventSource", "AttributeValue": source}]


def test_each_lookup_attribute(live_server):
    idp = make_client(live_server.url)
    pool = idp.create_user_pool(PoolName="lookups")["UserPool"]["Id"]
    idp.describe_user_pool(UserPoolId=pool)
    ct = cloudtrail(live_server.url)
    created = Event.objects.get(event_name="CreateUserPool")
    described = Event.objects.get(event_name="DescribeUserPool")
    stored("CreateThing", BASE, arn=USER_ARN, key="AKIAALICEKEY0000001")

    def names(key, value):
        return [event["EventName"] for event in all_events(ct, LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])]

    assert names("EventId", str(created.event_id)) == ["CreateUserPool"]
    assert names("EventId", "not-a-uuid") == []
    assert names("EventName", "DescribeUserPool") == ["DescribeUserPool"]
    assert names("EventSource", SOURCE) == ["CreateThing"]
    assert names("Username", "alice") == ["CreateThing"]
    assert names("Username", "root")[-2:] == ["DescribeUserPool", "CreateUserPool"]
    assert names("AccessKeyId", "AKIAALICEKEY0000001") == ["CreateThing"]
    assert names("ResourceType", "AWS::Cognito::UserPool") == ["DescribeUserPool"]
    assert names("ResourceName", pool) == ["DescribeUserPool"]
    read_only = names("ReadOnly", "true")
    assert "DescribeUserPool" in read_only and "CreateUserPool" not in read_only and "CreateThing" not in read_only
    assert "CreateUserPool" in names("ReadOnly", "false")
    event = all_events(ct, LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": str(described.event_id)}])[0]
    assert event["EventTime"].tzinfo is not None and abs(event["EventTime"] - described.event_time) < timedelta(seconds=1)
    assert (event["ReadOnly"], event["EventSource"], event["Username"]) == ("true", "cognito-idp.amazonaws.com", "root")
    assert trail(event)["eventID"] == str(described.event_id)


def test_time_range_is_inclusive_and_newest_first(live_server):
    for minute in range(5):
        stored(f"Call{minute}", BASE + timedelta(minutes=minute))
    ct = cloudtrail(live_server.url)
    events = all_events(ct, LookupAttributes=_only(), StartTime=BASE + timedelta(minutes=1), EndTime=BASE + timedelta(minutes=3))
    assert [event["EventName"] for event in events] == ["Call3", "Call2", "Call1"]
    assert [e["EventName"] for e in all_events(ct, LookupAttributes=_only(), StartTime=BASE + timedelta(minutes=4))] == ["Call4"]
    assert [e["EventName"] for e in all_events(ct, LookupAttributes=_only(), EndTime=BASE)] == ["Call0"]


def test_pages_cover_every_event_once(live_server):
    # 23 events, several sharing one timestamp, so the keyset's tie-break on eventId matters.
    expected = {str(stored(f"Call{i}", BASE + timedelta(seconds=i // 4)).event_id) for i in range(23)}
    ct = cloudtrail(live_server.url)
    seen, token, pages = [], None, 0
    while True:
        page = ct.lookup_events(LookupAttributes=_only(), MaxResults=5, **({"NextToken": token} if token else {}))
        assert len(page["Events"]) <= 5
        seen += [event["EventId"] for event in page["Events"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
        stored("LateCall", datetime.now(UTC))  # newer events never shift the pages already read
    assert pages == 5 and len(seen) == len(set(seen)) == 23 and set(seen) == expected
    times = [Event.objects.get(pk=pk).event_time for pk in seen]
    assert times == sorted(times, reverse=True)
    assert len(ct.lookup_events(LookupAttributes=_only())["Events"]) == 23 + 4  # default MaxResults is 50


def test_aws_errors(live_server):
    ct = cloudtrail(live_server.url)

    def refused(**kwargs) -> str:
        with pytest.raises(ClientError) as excinfo:
            ct.lookup_events(**kwargs)
        return error_code(excinfo)

    two = [{"AttributeKey": "EventName", "AttributeValue": "A"}, {"AttributeKey": "Username", "AttributeValue": "B"}]
    assert refused(LookupAttributes=two) == "InvalidLookupAttributesException"
    assert refused(LookupAttributes=[{"AttributeKey": "Colour", "AttributeValue": "red"}]) == "InvalidLookupAttributesException"
    assert refused(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]) == "InvalidLookupAttributesException"
    assert refused(StartTime=BASE, EndTime=BASE - timedelta(seconds=1)) == "InvalidTimeRangeException"
    assert refused(MaxResults=51) == "InvalidMaxResultsException"
    assert refused(NextToken="bm90LWEtdG9rZW4=") == "InvalidNextTokenException"
    assert refused(EventCategory="everything") == "InvalidEventCategoryException"
    unchecked = boto3.client("cloudtrail", endpoint_url=live_server.url, region_name=REGION,
                                           aws_access_key_id=settings.ROOT_ACCESS_KEY_ID, aws_secret_access_key=settings.ROOT_SECRET_ACCESS_KEY,
                                           config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as zero:
        unchecked.lookup_events(MaxResults=0)
    assert error_code(zero) == "InvalidMaxResultsException"
    assert ct.lookup_events(EventCategory="insight")["Events"] == []  # no Insights events here

    # A token is bound to its query, as on AWS: the same filters must come with it.
    for i in range(3):
        stored(f"Call{i}", BASE + timedelta(seconds=i))
    token = ct.lookup_events(LookupAttributes=_only(), MaxResults=1)["NextToken"]
    assert refused(LookupAttributes=_only("other.amazonaws.com"), MaxResults=1, NextToken=token) == "InvalidNextTokenException"
    assert refused(LookupAttributes=_only(), MaxResults=1, NextToken=token[:-4] + "AAAA") == "InvalidNextTokenException"
    assert len(ct.lookup_events(LookupAttributes=_only(), MaxResults=1, NextToken=token)["Events"]) == 1

    # Refusals of LookupEvents are events too.
    assert Event.objects.filter(event_name="LookupEvents", error_code="InvalidMaxResultsException").count() == 2


def test_unsigned_lookup_is_refused_and_recorded(live_server):
    anonymous = boto3.client("cloudtrail", endpoint_url=live_server.url, region_name=REGION,
                                           config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        anonymous.lookup_events()
    assert error_code(excinfo) == "MissingAuthenticationTokenException"
    assert Event.objects.get(event_name="LookupEvents").identity_type == "Unknown"
