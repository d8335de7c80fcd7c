"""The six checks of `make languages`, for a Python target: given how a target parses each model,
prints one line per check, "NAME<TAB>ok" or "NAME<TAB>FAIL: why" (see tests/languages/run.py).

Used by pydantic_check.py (datamodel-code-generator's models) and client_check.py (this project's
openapi-python-client package). Standard library only: each target runs it with its own Python.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Target:
    """How one generated package reads each model, and reads back what a check looks at."""

    parse: Callable[[str, Any], Any]  # (schema name, JSON value) -> model
    extra: Callable[[Any, str], Any]  # (model, key) -> the unknown field kept
    text: Callable[[Any], str]  # an open enum's value -> its raw string
    absent: Callable[[Any], bool]  # an optional field's value -> whether it is absent
    epoch_ms: Callable[[Any], int]  # a timestamp's value -> milliseconds since the epoch


def kind(body: dict[str, Any]) -> str:
    """The schema of a recorded body, as tests/real_responses.py tells it."""
    if isinstance(body.get("data"), list):
        return "ComplianceJobListResponse"
    if "data" in body or "errors" in body:
        return "ComplianceJobResponse"
    if "upload_url" in body:
        return "ComplianceJob"
    if "action" in body:
        return "ComplianceResult"
    return "Problem"


def lines(target: Target, text: str) -> list[Any]:
    return [target.parse("ComplianceResult", json.loads(line)) for line in text.splitlines() if line.strip()]


def real_bodies(target: Target, folder: Path) -> None:
    bodies = sorted(p for p in folder.glob("*.json") if not p.name.endswith(".meta.json"))
    for path in bodies:
        body = json.loads(path.read_text())
        try:
            target.parse(kind(body), body)
        except Exception as error:
            raise AssertionError(f"{path.name}: {error}") from error
    results = lines(target, (folder / "x-docs_quickstart__download_results_example.jsonl").read_text())
    assert bodies and results, f"no recordings in {folder}"


def run(target: Target, real_responses: Path, cases_path: Path) -> None:
    cases = json.loads(cases_path.read_text())

    def unknown_field() -> None:
        job = target.parse("ComplianceJobResponse", cases["unknown_field"]).data
        assert target.extra(job, "priority") == "high", "the unknown field was not kept"

    def unknown_enums() -> None:
        job = target.parse("ComplianceJobResponse", cases["unknown_enums"]).data
        assert target.text(job.status) == cases["unknown_status"], f"status read as {job.status!r}"
        assert target.text(job.type_ if hasattr(job, "type_") else job.type) == cases["unknown_type"]

    def optional_absent() -> None:
        listed = target.parse("ComplianceJobListResponse", cases["without_optional"])
        job = listed.data[0]
        assert all(target.absent(value) for value in (job.name, job.resumable, job.error, listed.meta))

    def timestamps() -> None:
        for stamp in cases["timestamps"]:
            line = {"id": "1", "action": "delete", "reason": "deleted", "created_at": stamp["value"]}
            got = target.epoch_ms(target.parse("ComplianceResult", line).created_at)
            assert got == stamp["epoch_ms"], f"{stamp['value']} read as {got} ms"

    def unknown_reason() -> None:
        for result in lines(target, cases["results_lines"]):
            assert target.text(result.reason) == cases["unknown_reason"], f"reason read as {result.reason!r}"

    checks: dict[str, Callable[[], None]] = {
        "real bodies": lambda: real_bodies(target, real_responses),
        "unknown field": unknown_field,
        "unknown status/type": unknown_enums,
        "optional fields absent": optional_absent,
        "timestamps": timestamps,
        "unknown reason": unknown_reason,
    }
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # a red cell, whatever the cause; the message says which
            print(f"{name}\tFAIL: {type(error).__name__}: {error}".replace("\n", " "))
        else:
            print(f"{name}\tok")
    sys.stdout.flush()
