"""Wire handlers: app clients. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import clients


def create_user_pool_client(params: dict, ctx: CallContext) -> dict:
    client = clients.create_client(params["UserPoolId"], params)
    return {"UserPoolClient": clients.describe_client(client)}


def describe_user_pool_client(params: dict, ctx: CallContext) -> dict:
    client = clients.get_client(params["UserPoolId"], params["ClientId"])
    return {"UserPoolClient": clients.describe_client(client)}


def update_user_pool_client(params: dict, ctx: CallContext) -> dict:
    client = clients.update_client(params["UserPoolId"], params["ClientId"], params)
    return {"UserPoolClient": clients.describe_client(client)}


def delete_user_pool_client(params: dict, ctx: CallContext) -> dict:
    clients.delete_client(params["UserPoolId"], params["ClientId"])
    return {}


def list_user_pool_clients(params: dict, ctx: CallContext) -> dict:
    found, token = clients.list_clients(
        params["UserPoolId"], params.get("MaxResults"), params.get("NextToken"), client_type=params.get("ClientType")
    )
    response: dict = {"UserPoolClients": [clients.summarize_client(client) for client in found]}
    if token:
        response["NextToken"] = token
    return response
