"""Wire handlers: user-pool tags. Parse, call one service, render."""
from awsapi.registry import COGNITO_IDP, CallContext, operation
from userpools.services import tags


@operation(COGNITO_IDP)
def tag_resource(params: dict, ctx: CallContext) -> dict:
    tags.tag_resource(params["ResourceArn"], params["Tags"])
    return {}


@operation(COGNITO_IDP)
def untag_resource(params: dict, ctx: CallContext) -> dict:
    tags.untag_resource(params["ResourceArn"], params["TagKeys"])
    return {}


@operation(COGNITO_IDP)
def list_tags_for_resource(params: dict, ctx: CallContext) -> dict:
    return {"Tags": tags.list_tags(params["ResourceArn"])}
