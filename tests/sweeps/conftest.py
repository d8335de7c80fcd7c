"""Fixtures for sweeps on the in-process emulator (``emu`` and ``client`` come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import x_compliance as xc
from tests.sweeps.datasets import flat_dataset, pages_dataset
from x_compliance.sweeps import SweepProgress


class Interrupted(BaseException):
    """Stands for a kill: raised from the progress callback, right after a step was recorded."""


def stop_at(message: str, type: str | None = None, times: int = 1) -> Callable[[SweepProgress], None]:
    """A progress callback that interrupts the sweep at the ``times``-th event with this message."""
    seen = 0

    def progress(event: SweepProgress) -> None:
        nonlocal seen
        if event.message == message and type in (None, event.type):
            seen += 1
            if seen == times:
                raise Interrupted(message)

    return progress


@pytest.fixture
def datasets(tmp_path: Path) -> list[Path]:
    """Both shapes: response pages gzipped, flat posts plain."""
    folder = tmp_path / "data"
    folder.mkdir()
    return [pages_dataset(folder / "pages.jsonl.gz", compressed=True), flat_dataset(folder / "flat.jsonl")]


@pytest.fixture
def run(client: xc.ComplianceClient, datasets: list[Path], tmp_path: Path) -> Callable[..., xc.SweepReport]:
    """``run(**options)``: a sweep of ``datasets`` into tmp/out with state tmp/state."""

    def sweep(**options: Any) -> xc.SweepReport:
        options.setdefault("state", tmp_path / "state")
        return xc.sweep(
            client, options.pop("datasets", datasets), options.pop("output", tmp_path / "out"), **options
        )

    return sweep
