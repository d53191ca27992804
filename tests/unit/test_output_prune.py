from awsapi.output import prune
from awsapi.registry import service_model


def test_members_outside_the_output_shape_are_dropped():
    shape = service_model("cognito-idp").operation_model("DescribeUserPool").output_shape
    pruned = prune(shape, {"UserPool": {"Id": "us-east-1_x", "SmsMfaConfiguration": {"x": 1}, "Name": None,
                                        "SchemaAttributes": [{"Name": "email", "Extra": 1}]}, "Debug": True})
    assert pruned == {"UserPool": {"Id": "us-east-1_x", "SchemaAttributes": [{"Name": "email"}]}}


def test_maps_and_scalars_pass_through():
    shape = service_model("cognito-idp").operation_model("ListTagsForResource").output_shape
    assert prune(shape, {"Tags": {"a": "b"}}) == {"Tags": {"a": "b"}}


def test_lists_of_flat_structures_are_pruned_alike():
    """A list whose items have only plain members (a user's attributes) is pruned in one pass."""
    shape = service_model("cognito-idp").operation_model("ListUsers").output_shape
    pruned = prune(shape, {"Users": [{"Username": "alice", "Pool": 1, "Attributes": [
        {"Name": "email", "Value": "a@example.com", "Id": 7}, {"Name": "name", "Value": None}, "odd"]}]})
    assert pruned == {"Users": [{"Username": "alice", "Attributes": [{"Name": "email", "Value": "a@example.com"}, {"Name": "name"}, "odd"]}]}
