"""OpenAPI for the REST routes, derived from botocore's shapes of the operations they run.

Each structure shape becomes one component schema (named as botocore names it, e.g.
`UserPoolType`), so the document says exactly what the AWS API says about each member.
"""
from __future__ import annotations

import html
import re
from typing import Any

import uritemplate
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from awsapi.fronts.rest_params import query_members

_SCALARS = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer", "format": "int32"},
    "long": {"type": "integer", "format": "int64"},
    "double": {"type": "number", "format": "double"},
    "float": {"type": "number", "format": "float"},
    "timestamp": {"type": "string", "format": "date-time"},  # ISO 8601 in REST (epoch seconds in AWS JSON)
    "blob": {"type": "string", "format": "byte"},
}
_ERROR = {
    "type": "object",
    "properties": {"__type": {"type": "string", "example": "ResourceNotFoundException"}, "message": {"type": "string"}},
    "required": ["__type", "message"],
}


def first_paragraph(documentation: str) -> str:
    """Plain text of the first paragraph of botocore's HTML documentation."""
    match = re.search(r"<p>(.*?)</p>", documentation or "", re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1) if match else documentation or "")
    return " ".join(html.unescape(text).split())


class ShapeSchemas:
    """botocore shape -> OpenAPI schema; structures are registered once as components."""

    def __init__(self, registry):
        self.registry = registry

    def schema(self, shape) -> dict:
        kind = shape.type_name
        if kind == "structure" or (kind == "string" and shape.enum):
            return self._component(shape).ref
        if kind == "list":
            return {"type": "array", "items": self.schema(shape.member), **self._bounds(shape, "Items")}
        if kind == "map":
            return {"type": "object", "additionalProperties": self.schema(shape.value), **self._bounds(shape, "Properties")}
        schema = dict(_SCALARS.get(kind, {"type": "string"}))
        if kind == "string":
            schema.update(self._bounds(shape, "Length"))
            if shape.metadata.get("sensitive"):
                schema["format"] = "password"
        elif kind in ("integer", "long"):
            if "min" in shape.metadata:
                schema["minimum"] = shape.metadata["min"]
            if "max" in shape.metadata:
                schema["maximum"] = shape.metadata["max"]
        return schema

    def structure(self, members: dict, required: list[str]) -> dict:
        schema: dict = {"type": "object", "properties": {name: self.schema(shape) for name, shape in members.items()}}
        if required:
            schema["required"] = required
        return schema

    def error_ref(self) -> dict:
        component = ResolvedComponent("Error", ResolvedComponent.SCHEMA, schema=_ERROR, object="rest:Error")
        self.registry.register_on_missing(component)
        return component.ref

    def _component(self, shape) -> ResolvedComponent:
        component = ResolvedComponent(shape.name, ResolvedComponent.SCHEMA, object=f"botocore:{shape.name}")
        if component not in self.registry:
            # Registered before its members are built, so a shape that contains itself terminates.
            self.registry.register_on_missing(component)
            if shape.type_name == "structure":
                component.schema = self.structure(dict(shape.members), list(shape.required_members))
            else:  # named enums are components too, so their names are botocore's
                component.schema = {"type": "string", "enum": list(shape.enum)}
        return component

    @staticmethod
    def _bounds(shape, what: str) -> dict:
        bounds = {}
        if "min" in shape.metadata:
            bounds[f"min{what}"] = shape.metadata["min"]
        if "max" in shape.metadata:
            bounds[f"max{what}"] = shape.metadata["max"]
        return bounds


class RouteSchema(AutoSchema):
    """Describes a `RouteView` method from the AWS operation it runs."""

    def _route(self):
        return self.view.routes[self.method]

    def _get_serializer(self):
        return None  # bodies are described from botocore shapes below, not serializers

    def _bound(self) -> set[str]:
        variables = uritemplate.variables(self.path)
        return self._route().bound_members({name: name for name in variables})

    def get_operation_id(self) -> str:
        return self._route().operation

    def get_summary(self) -> str:
        return self._route().operation

    def get_description(self) -> str:
        return first_paragraph(self._route().model().documentation)

    def get_tags(self) -> list[str]:
        return [self._route().tag]

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()  # the path variables
        if self.method != "GET":
            return parameters
        shape = self._route().model().input_shape
        shapes = ShapeSchemas(self.registry)
        for name, member in query_members(shape, self._bound()).items():
            parameter: dict[str, Any] = {"name": name, "in": "query", "schema": shapes.schema(shape.members[member])}
            if member in shape.required_members and member not in self._route().defaults:
                parameter["required"] = True
            if shape.members[member].type_name == "list":
                parameter.update(style="form", explode=True)
            parameter["description"] = f"`{member}`. " + first_paragraph(shape.members[member].documentation)
            parameters.append(parameter)
        return parameters

    def _get_request_body(self, direction="request"):
        if self.method == "GET":
            return None
        shape = self._route().model().input_shape
        bound = self._bound()
        members = {name: member for name, member in (shape.members.items() if shape else ()) if name not in bound}
        if not members:
            return None
        route = self._route()
        required = [name for name in shape.required_members if name in members and name not in route.defaults]
        schema = ShapeSchemas(self.registry).structure(members, required)
        return {"content": {"application/json": {"schema": schema}}, "required": bool(required)}

    def _get_response_bodies(self, direction="response"):
        route = self._route()
        output = route.model().output_shape
        shapes = ShapeSchemas(self.registry)
        error = {"content": {"application/json": {"schema": shapes.error_ref()}}}
        responses: dict = {}
        if output is not None and output.members:
            responses[str(route.status)] = {"description": route.operation, "content": {"application/json": {"schema": shapes.schema(output)}}}
        else:
            responses["204"] = {"description": "No response body"}
        responses["400"] = {"description": "Invalid request (`InvalidParameterException`, ...)", **error}
        responses["401"] = {"description": "Missing or invalid SigV4 signature", **error}
        responses["403"] = {"description": "Not allowed by the caller's policies", **error}
        if uritemplate.variables(self.path):
            responses["404"] = {"description": "A resource in the path does not exist", **error}
        return responses
