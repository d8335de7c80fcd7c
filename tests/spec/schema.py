"""Validating JSON against the spec's own schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12).

For any answer of the API, recorded or served by the emulator::

    operation_id = operation_for("GET", "/2/compliance/jobs/1423095206576984067")
    validate_response(operation_id, 200, body)              # raises jsonschema.ValidationError
    validate_response(operation_id, 404, body, "application/problem+json")

and for a line of a results file: ``validator_for(component("ComplianceResult")).validate(line)``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import SPEC

SPEC_URI = "urn:x-compliance:spec"


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return loaded


@cache
def registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT202012))


def validator_for(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema,
        registry=registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def component(name: str) -> dict[str, Any]:
    """A schema that refers to components/schemas/NAME of the spec."""
    return {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}


def absolute(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema taken out of the spec, with its local refs made to point back into the spec."""
    rebased: dict[str, Any] = _rebase(schema)
    return rebased


def _rebase(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (SPEC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref (to an example, a response, a parameter) within the spec."""
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation_for(method: str, path: str) -> str:
    """The operationId the spec gives METHOD on PATH (a concrete path, e.g. with a job id in it)."""
    for template, item in spec()["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template)) + "$"
        operation = item.get(method.lower())
        if operation is not None and re.match(pattern, path):
            return str(operation["operationId"])
    raise KeyError(f"the spec has no operation {method.upper()} {path}")


def operation_responses(operation_id: str) -> dict[str, Any]:
    """The `responses` of the operation named OPERATION_ID."""
    operation = next(
        op
        for item in spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("operationId") == operation_id
    )
    responses: dict[str, Any] = operation["responses"]
    return responses


def response_schema(operation_id: str, status: int, media_type: str | None = None) -> dict[str, Any]:
    """The schema of the body the spec allows for OPERATION_ID answering STATUS.

    STATUS falls back to its range (``5XX``) when the spec has no exact entry. MEDIA_TYPE (a
    Content-Type without parameters) picks among the response's media types; by default the JSON
    one: ``application/json`` or ``application/problem+json``.
    """
    responses = operation_responses(operation_id)
    response = resolve(responses.get(str(status)) or responses[f"{str(status)[0]}XX"])
    content = response["content"]
    if media_type is None:
        media_type = next(t for t in content if t.endswith("json"))
    return absolute(content[media_type]["schema"])


def validate_response(operation_id: str, status: int, body: Any, media_type: str | None = None) -> None:
    """Raise ``jsonschema.ValidationError`` unless BODY is what the spec allows for that answer."""
    validator_for(response_schema(operation_id, status, media_type)).validate(body)
