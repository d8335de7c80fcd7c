"""What a sweep tells its ``progress`` callback as it goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from attrs import frozen

Phase = Literal["gather", "jobs", "apply", "done"]


@frozen
class SweepProgress:
    """One event of a sweep: which phase, dataset, part and job, the job's status, bytes moved.

    ``bytes_up`` and ``bytes_down`` count the current part's upload and download; ``total`` is the
    size being moved when known.
    """

    phase: Phase
    message: str
    dataset: str | None = None
    type: str | None = None
    part: int | None = None
    parts: int | None = None
    job_id: str | None = None
    status: str | None = None
    bytes_up: int = 0
    bytes_down: int = 0
    total: int | None = None


ProgressCallback = Callable[[SweepProgress], None]
