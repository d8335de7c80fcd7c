from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.client.scripted import Driver, Script


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(kind: str) -> Callable[..., Driver]:
    """``api(answer, ...)``: a client of the parametrized kind talking to a scripted X."""

    def make(*answers: Any, **options: Any) -> Driver:
        return Driver(kind, Script(*answers), **options)

    return make
