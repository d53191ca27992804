"""Wire handlers: pool administration. Parse, call one service, render."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import pools


@operation(COGNITO_IDP)
def create_user_pool(params: dict, ctx: CallContext) -> dict:
    return {"UserPool": pools.describe_pool(pools.create_pool(params))}


@operation(COGNITO_IDP)
def describe_user_pool(params: dict, ctx: CallContext) -> dict:
    return {"UserPool": pools.describe_pool(pools.get_pool(params["UserPoolId"]))}


@operation(COGNITO_IDP)
def update_user_pool(params: dict, ctx: CallContext) -> dict:
    pools.update_pool(params["UserPoolId"], params)
    return {}


@operation(COGNITO_IDP)
def delete_user_pool(params: dict, ctx: CallContext) -> dict:
    pools.delete_pool(params["UserPoolId"])
    return {}


@operation(COGNITO_IDP)
def list_user_pools(params: dict, ctx: CallContext) -> dict:
    found, token = pools.list_pools(params["MaxResults"], params.get("NextToken"))
    response: dict = {"UserPools": [pools.summarize_pool(pool) for pool in found]}
    if token:
        response["NextToken"] = token
    return response


@operation(COGNITO_IDP)
def add_custom_attributes(params: dict, ctx: CallContext) -> dict:
    pools.add_custom_attributes(params["UserPoolId"], params["CustomAttributes"])
    return {}
