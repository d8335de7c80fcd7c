"""The shapes of the contract that generated code turns into broken promises when they slip back
(issue 18; `make languages` shows the effect in each language, these tests name the cause)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.spec.schema import resolve, spec
from tests.spec.test_open_enums import received_schemas


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _object_schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for child in node.values():
            yield from _object_schemas(child)
    elif isinstance(node, list):
        for child in node:
            yield from _object_schemas(child)


def test_given_any_object_x_sends_then_it_declares_additional_properties() -> None:
    # openapi-generator reads an absent additionalProperties as false: Go and Java reject new fields.
    schemas = spec()["components"]["schemas"]
    for name in received_schemas():
        for schema in _object_schemas(schemas[name]):
            if "properties" in schema:
                assert schema.get("additionalProperties") is True, f"{name} would reject fields X adds"


def test_given_a_get_then_it_declares_no_conflict_and_list_or_create_no_not_found() -> None:
    declared = {operation["operationId"]: set(operation["responses"]) for _, _, operation in _operations()}

    assert "409" not in declared["getComplianceJobs"] and "409" not in declared["getComplianceJobsById"]
    assert "404" not in declared["getComplianceJobs"] and "404" not in declared["createComplianceJobs"]
    assert "409" in declared["createComplianceJobs"] and "404" in declared["getComplianceJobsById"]


def test_given_the_results_schema_then_an_operation_answers_with_it() -> None:
    download = next(op for _, _, op in _operations() if op["operationId"] == "downloadComplianceResults")

    assert download["servers"][0]["url"] == "https://storage.googleapis.com"
    assert download["security"] == []
    body = download["responses"]["200"]["content"]["application/x-ndjson"]["schema"]
    assert body == {"$ref": "#/components/schemas/ComplianceResult"}


def test_given_a_request_body_then_no_property_has_a_default() -> None:
    # openapi-typescript makes a property with a default required in the request type.
    request = spec()["components"]["schemas"]["CreateComplianceJobRequest"]

    assert all("default" not in prop for prop in request["properties"].values())


def test_given_an_error_response_then_its_bodies_are_json_problems_only() -> None:
    # A text/html string in openapi-fetch's error type defeats `if (error) return` narrowing.
    for method, path, operation in _operations():
        if path.startswith("/2/"):
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    media_types = set(resolve(response)["content"])
                    assert media_types == {"application/problem+json"}, (method, path, status)


def test_given_the_job_schema_then_no_parameter_can_ask_for_a_subset_of_its_required_fields() -> None:
    for _, _, operation in _operations():
        names = {resolve(p)["name"] for p in operation.get("parameters", [])}
        assert "compliance_job.fields" not in names


def test_given_a_problem_then_its_value_is_a_string() -> None:
    assert spec()["components"]["schemas"]["Problem"]["properties"]["value"]["type"] == "string"


def test_given_the_info_description_then_it_is_short_and_points_to_the_protocol_document() -> None:
    description = spec()["info"]["description"]

    assert len(description.splitlines()) <= 8
    assert "spec/PROTOCOL.md" in description
