"""Conformance: schemathesis drives the running emulator from ``spec/compliance.yaml``, so that the
spec and the emulator cannot drift apart. Every generated request, valid or not, must get an
answer the spec documents, with a body of the documented schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from x_compliance.emulator import Emulator

from tests.conftest import SPEC

schema = schemathesis.openapi.from_path(SPEC)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    # A limit no run reaches: 429 is tested on its own; here every request must be judged.
    with Emulator(rate_limit=(1_000_000, 900)) as emu:
        yield emu


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_emulator_conforms_to_the_spec(case: schemathesis.Case, emulator: Emulator) -> None:
    if case.method == "POST":
        emulator.advance(901)  # the last job expires, so a valid create is not a 409
    case.call_and_validate(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {emulator.token}"}
    )
