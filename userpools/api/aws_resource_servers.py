"""Wire handlers: resource servers. Parse, call one service, render."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import resource_servers


@operation(COGNITO_IDP)
def create_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.create_resource_server(params["UserPoolId"], params)
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


@operation(COGNITO_IDP)
def describe_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.get_resource_server(params["UserPoolId"], params["Identifier"])
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


@operation(COGNITO_IDP)
def update_resource_server(params: dict, ctx: CallContext) -> dict:
    server = resource_servers.update_resource_server(params["UserPoolId"], params)
    return {"ResourceServer": resource_servers.describe_resource_server(server)}


@operation(COGNITO_IDP)
def delete_resource_server(params: dict, ctx: CallContext) -> dict:
    resource_servers.delete_resource_server(params["UserPoolId"], params["Identifier"])
    return {}


@operation(COGNITO_IDP)
def list_resource_servers(params: dict, ctx: CallContext) -> dict:
    found, token = resource_servers.list_resource_servers(
        params["UserPoolId"], params.get("MaxResults"), params.get("NextToken")
    )
    response: dict = {"ResourceServers": [resource_servers.describe_resource_server(rs) for rs in found]}
    if token:
        response["NextToken"] = token
    return response
