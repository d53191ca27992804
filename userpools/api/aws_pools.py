"""Wire handlers: pool administration. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import pools


def create_user_pool(params: dict, ctx: CallContext) -> dict:
    return {"UserPool": pools.describe_pool(pools.create_pool(params))}


def describe_user_pool(params: dict, ctx: CallContext) -> dict:
    return {"UserPool": pools.describe_pool(pools.get_pool(params["UserPoolId"]))}


def update_user_pool(params: dict, ctx: CallContext) -> dict:
    pools.update_pool(params["UserPoolId"], params)
    return {}


def delete_user_pool(params: dict, ctx: CallContext) -> dict:
    pools.delete_pool(params["UserPoolId"])
    return {}


def list_user_pools(params: dict, ctx: CallContext) -> dict:
    found, token = pools.list_pools(params["MaxResults"], params.get("NextToken"))
    response: dict = {"UserPools": [pools.summarize_pool(pool) for pool in found]}
    if token:
        response["NextToken"] = token
    return response


def add_custom_attributes(params: dict, ctx: CallContext) -> dict:
    pools.add_custom_attributes(params["UserPoolId"], params["CustomAttributes"])
    return {}
