"""IAM OIDC identity providers."""
from __future__ import annotations

from typing import Any

from awsapi.registry import CallContext
from iam.api import render
from iam.services import oidc


def create_open_id_connect_provider(params: dict, ctx: CallContext) -> dict:
    provider = oidc.create_provider(params["Url"], params.get("ClientIDList"), params.get("ThumbprintList"), params.get("Tags"))
    out: dict[str, Any] = {"OpenIDConnectProviderArn": provider.arn(render.account())}
    if provider.tags:
        out["Tags"] = render.tags(provider.tags)
    return out


def get_open_id_connect_provider(params: dict, ctx: CallContext) -> dict:
    provider = oidc.get_provider(params["OpenIDConnectProviderArn"])
    return {
        "Url": provider.url, "ClientIDList": provider.client_ids, "ThumbprintList": provider.thumbprints,
        "CreateDate": provider.created, "Tags": render.tags(provider.tags),
    }


def list_open_id_connect_providers(params: dict, ctx: CallContext) -> dict:
    return {"OpenIDConnectProviderList": [{"Arn": p.arn(render.account())} for p in oidc.list_providers()]}


def delete_open_id_connect_provider(params: dict, ctx: CallContext) -> dict:
    oidc.delete_provider(params["OpenIDConnectProviderArn"])
    return {}
