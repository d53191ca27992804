"""Query-protocol (de)serialization agrees with botocore's own query serializer and parser."""
from __future__ import annotations

from datetime import UTC, datetime, timezone
from xml.etree import ElementTree as ET

import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from awsapi.fronts import query_shapes
from awsapi.registry import service_model


def _round_trip(service: str, operation: str, params: dict) -> dict:
    model = service_model(service).operation_model(operation)
    body = create_serializer("query").serialize_to_request(params, model)["body"]
    # botocore hands the form over as a dict; on the wire it is urlencoded, which Django decodes to str.
    flat = {k: str(v) for k, v in body.items() if k not in ("Action", "Version")}
    return query_shapes.parse(model.input_shape, flat)


@pytest.mark.parametrize(
    "service, operation, params",
    [
        (  # lists of structures, lists of strings, integers
            "sts",
            "AssumeRole",
            {
                "RoleArn": "arn:aws:iam::000000000000:role/r",
                "RoleSessionName": "session",
                "DurationSeconds": 3600,
                "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/a"}, {"arn": "arn:aws:iam::aws:policy/b"}],
                "Tags": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
                "TransitiveTagKeys": ["k1"],
            },
        ),
        (  # booleans and integers
            "iam",
            "UpdateAccountPasswordPolicy",
            {"MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": False, "MaxPasswordAge": 90},
        ),
        (  # maps with named keys and values, nested structures, blobs
            "sns",
            "Publish",
            {
                "Message": "hi",
                "MessageAttributes": {
                    "a": {"DataType": "String", "StringValue": "x"},
                    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"},
                },
            },
        ),
        ("iam", "ListUsers", {"PathPrefix": "/a/", "MaxItems": 5}),
    ],
)
def test_parse_inverts_botocores_serializer(service, operation, params):
    expected = params
    if operation == "Publish":  # blobs stay base64 text, as the JSON protocol hands them to handlers
        expected = {**params, "MessageAttributes": {**params["MessageAttributes"], "b": {"DataType": "Binary", "BinaryValue": "AAEC"}}}
    assert _round_trip(service, operation, params) == expected


def test_empty_list_and_timestamps():
    shape = service_model("sts").operation_model("AssumeRole").input_shape
    assert query_shapes.parse(shape, {"TransitiveTagKeys": ""})["TransitiveTagKeys"] == []
    assert query_shapes._scalar("timestamp", "2026-11-29T18:00:00Z") == datetime(2026, 11, 29, 18, tzinfo=UTC).timestamp()
    assert query_shapes._scalar("integer", "x1") == "x1"  # left for validation to name


def _botocore_reads(service: str, operation: str, output: dict) -> dict:
    model = service_model(service).operation_model(operation)
    root = ET.Element(f"{operation}Response", {"xmlns": service_model(service).metadata["xmlNamespace"]})
    query_shapes.to_xml(ET.SubElement(root, model.output_shape.serialization["resultWrapper"]), model.output_shape, output)
    body = ET.tostring(root)
    parsed = create_parser("query").parse({"body": body, "headers": {}, "status_code": 200}, model.output_shape)
    parsed.pop("ResponseMetadata", None)
    return parsed


def test_xml_output_reads_back_through_botocores_parser():
    created = datetime(2026, 11, 29, 18, 0, 0, tzinfo=UTC)
    users = {
        "Users": [
            {"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLE000000001", "Arn": "arn:aws:iam::000000000000:user/alice", "CreateDate": created,
             "Tags": [{"Key": "team", "Value": "a"}]},
        ],
        "IsTruncated": True,
        "Marker": "next",
    }
    assert _botocore_reads("iam", "ListUsers", users) == users
    credentials = {"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": created}}
    assert _botocore_reads("sts", "GetSessionToken", credentials) == credentials
    assert query_shapes.iso8601(created.timestamp()) == "2026-11-29T18:00:00Z"
