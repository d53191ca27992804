"""Wire handlers: resource servers. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import resource_servers


def create_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.create_resource_server(params["UserPoolId"], params)
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


def describe_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.get_resource_server(params["UserPoolId"], params["Identifier"])
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


def update_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.update_resource_server(params["UserPoolId"], params)
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


def delete_resource_server(params: dict, ctx: CallContext) -> dict:
    resource_servers.delete_resource_server(params["UserPoolId"], params["Identifier"])
    return {}


def list_resource_servers(params: dict, ctx: CallContext) -> dict:
    found, token = resource_servers.list_resource_servers(
        params["UserPoolId"], params.get("MaxResults"), params.get("NextToken")
    )
    response: dict = {"ResourceServers": [resource_servers.describe_resource_server(rs) for rs in found]}
    if token:
        response["NextToken"] = token
    return response
