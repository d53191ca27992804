"""Wire handlers: user-pool tags. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import tags


def tag_resource(params: dict, ctx: CallContext) -> dict:
    tags.tag_resource(params["ResourceArn"], params["Tags"])
    return {}


def untag_resource(params: dict, ctx: CallContext) -> dict:
    tags.untag_resource(params["ResourceArn"], params["TagKeys"])
    return {}


def list_tags_for_resource(params: dict, ctx: CallContext) -> dict:
    return {"Tags": tags.list_tags(params["ResourceArn"])}
