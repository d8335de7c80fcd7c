"""The spec is valid OpenAPI 3.1, and every example in it validates against its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.spec.schema import absolute, resolve, spec, validator_for

Example = tuple[str, dict[str, Any], Any]


def test_spec_is_valid_openapi_3_1() -> None:
    assert spec()["openapi"].startswith("3.1")
    validate(spec())


def _media_examples(where: str, media: dict[str, Any]) -> Iterator[Example]:
    schema = media.get("schema")
    if schema is None:
        return
    if "example" in media:
        yield where, schema, media["example"]
    for name, example in media.get("examples", {}).items():
        yield f"{where} examples.{name}", schema, resolve(example)["value"]


def _schema_examples(where: str, node: Any) -> Iterator[Example]:
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list) and ("type" in node or "allOf" in node):
            for i, example in enumerate(node["examples"]):
                yield f"{where}.examples[{i}]", node, example
        for key, child in node.items():
            yield from _schema_examples(f"{where}.{key}", child)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _schema_examples(f"{where}[{i}]", child)


def all_examples() -> Iterator[Example]:
    doc = spec()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                param = resolve(param)
                if "example" in param:
                    yield f"{where} param {param['name']}", param["schema"], param["example"]
            body = op.get("requestBody", {})
            for ctype, media in resolve(body).get("content", {}).items() if body else []:
                yield from _media_examples(f"{where} request {ctype}", media)
            for status, response in op["responses"].items():
                response = resolve(response)
                for ctype, media in response.get("content", {}).items():
                    yield from _media_examples(f"{where} {status} {ctype}", media)
                for name, header in response.get("headers", {}).items():
                    header = resolve(header)
                    if "example" in header:
                        yield f"{where} {status} header {name}", header["schema"], header["example"]
    components = doc["components"]
    for name, param in components.get("parameters", {}).items():
        if "example" in param:
            yield f"parameter {name}", param["schema"], param["example"]
    yield from _schema_examples("components.schemas", components["schemas"])


EXAMPLES = list(all_examples())


def test_every_response_has_an_example() -> None:
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                for ctype, media in resolve(response).get("content", {}).items():
                    assert media.get("examples") or "example" in media, (
                        f"{method.upper()} {path} {status} {ctype} has no example"
                    )


@pytest.mark.parametrize(("where", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates_against_its_schema(where: str, schema: dict[str, Any], example: Any) -> None:
    validator_for(absolute(schema)).validate(example)


def test_examples_were_found() -> None:
    assert len(EXAMPLES) >= 25
