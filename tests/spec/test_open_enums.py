"""Every enum that X sends is marked open in the spec, so that generators and readers know to keep
values X adds later; the enums a client only sends stay closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.spec.schema import resolve, spec

OPEN_ENUM_MARKER = "x-speakeasy-unknown-values"
SCHEMAS_PREFIX = "#/components/schemas/"


def _schema_names(node: Any) -> Iterator[str]:
    """The component schemas NODE refers to, transitively."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMAS_PREFIX):
                name = ref.removeprefix(SCHEMAS_PREFIX)
                if name not in seen:
                    seen.add(name)
                    yield name
                    stack.append(spec()["components"]["schemas"][name])
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def received_schemas() -> set[str]:
    """Schemas that can arrive from X: in any response body, or a line of the results file."""
    responses = [
        resolve(response)
        for item in spec()["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
    ]
    return (
        set(_schema_names(responses))
        | {"ComplianceResult"}
        | set(_schema_names(spec()["components"]["schemas"]["ComplianceResult"]))
    )


def enum_schemas() -> dict[str, dict[str, Any]]:
    return {n: s for n, s in spec()["components"]["schemas"].items() if "enum" in s}


def test_every_received_enum_is_marked_open() -> None:
    received = {n: s for n, s in enum_schemas().items() if n in received_schemas()}

    assert set(received) == {"JobType", "JobStatus", "ResultAction", "ResultReason"}
    for name, schema in received.items():
        assert schema.get(OPEN_ENUM_MARKER) == "allow", f"{name} is received but not marked open"


def test_enums_only_sent_stay_closed() -> None:
    sent_only = {n: s for n, s in enum_schemas().items() if n not in received_schemas()}

    assert set(sent_only) == {"JobStatusFilter"}
    for name, schema in sent_only.items():
        assert OPEN_ENUM_MARKER not in schema, f"{name} is only sent: it needs no open marker"
