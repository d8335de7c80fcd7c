"""What a sweep raises on purpose, beside the client's own errors (``x_compliance.errors``).

::

    ComplianceError
    └── SweepError              the sweep cannot go on; the message says what to do
        ├── DatasetError        a dataset is not one the sweep can read (also a ValueError): file, line
        └── DatasetChangedError a dataset differs from the one the unfinished sweep began with

Every one of them is raised before the step it guards: a bad dataset before any job is created,
a changed one before any job is resumed.
"""

from __future__ import annotations

from pathlib import Path

import x_compliance as xc


class SweepError(xc.ComplianceError):
    """The sweep stopped; its state is kept, so the same command resumes once the cause is fixed."""


class DatasetError(SweepError, ValueError):
    """A dataset the sweep cannot read: a line of neither shape, a post without ``id``, an ID that is
    not 1-19 digits, a truncated gzip file. ``path`` and ``line`` (from 1; 0 for the whole file) say where."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class DatasetChangedError(SweepError):
    """A dataset's SHA-256 differs from the one recorded when the unfinished sweep began."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} changed since this sweep began (its SHA-256 differs); put it back, or start "
            "a new sweep with --restart (restart=True)"
        )
        self.path = path
