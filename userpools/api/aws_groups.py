"""Wire handlers: user-pool groups. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import groups


def create_group(params: dict, ctx: CallContext) -> dict:
    return {"Group": groups.describe_group(groups.create_group(params["UserPoolId"], params))}


def get_group(params: dict, ctx: CallContext) -> dict:
    return {"Group": groups.describe_group(groups.get_group(params["UserPoolId"], params["GroupName"]))}


def update_group(params: dict, ctx: CallContext) -> dict:
    group = groups.update_group(params["UserPoolId"], params["GroupName"], params)
    return {"Group": groups.describe_group(group)}


def delete_group(params: dict, ctx: CallContext) -> dict:
    groups.delete_group(params["UserPoolId"], params["GroupName"])
    return {}


def list_groups(params: dict, ctx: CallContext) -> dict:
    found, token = groups.list_groups(params["UserPoolId"], params.get("Limit"), params.get("NextToken"))
    response: dict = {"Groups": [groups.describe_group(group) for group in found]}
    if token:
        response["NextToken"] = token
    return response
