"""Validating JSON against the spec's own schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12)."""

from __future__ import annotations

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
