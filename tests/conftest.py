"""Shared fixtures: where the recordings from the real X API live.

They stay in ``../shared/real-responses`` (beside the repository, on every developer machine and in
CI) and are never copied in. Without that folder the tests that read it skip, except under
``CI=true``, where its absence fails the run: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import x_compliance as xc
from tests.client.scripted import Driver, Script
from x_compliance.emulator import Emulator

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL_RESPONSES = SHARED / "real-responses"
SPEC = REPO / "spec" / "compliance.yaml"


def require_shared() -> Path:
    """The real-responses folder, or skip (fail under CI) when it is absent."""
    if REAL_RESPONSES.is_dir():
        return REAL_RESPONSES
    reason = f"{REAL_RESPONSES.relative_to(REPO.parent)} is absent: recorded responses not checked"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def real_responses() -> Path:
    return require_shared()


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Each test that uses it runs twice: through ComplianceClient and AsyncComplianceClient."""
    return str(request.param)


@pytest.fixture
def api(kind: str) -> Callable[..., Driver]:
    """``api(answer, ...)``: a client of the parametrized kind talking to a scripted X."""

    def make(*answers: Any, **options: Any) -> Driver:
        return Driver(kind, Script(*answers), **options)

    return make


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """An in-process emulator (processing takes no time), stopped after the test."""
    with Emulator(token="emulator-token-0123456789", processing_seconds=0.0) as emulator:
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[xc.ComplianceClient]:
    """A ComplianceClient talking to ``emu``."""
    with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, timeout=10) as made:
        yield made
