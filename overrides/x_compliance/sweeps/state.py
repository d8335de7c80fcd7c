"""The sweep's durable state: one SQLite database (the standard library's ``sqlite3``) in the state
folder, beside the ID parts and downloaded results.

Every step is one transaction, committed before the step's side effect is assumed: the database
says "creating part 3, attempt 1" before the job is created, "uploading" before the upload, and
"downloaded" only once the results file is in place. So a process killed at any instant leaves a
state that the next run reads and continues from, without doing twice what X took once. Every
finished sweep's report stays in the ``reports`` table: the evidence for an audit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, Literal

from attrs import frozen

DATABASE: Final = "sweeps.sqlite3"

Step = Literal[
    "creating", "created", "uploading", "uploaded", "downloading", "downloaded", "expired", "failed"
]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS sweeps (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    started_at TEXT NOT NULL,
    output TEXT NOT NULL,
    ids_per_job INTEGER,
    planned INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT,
    abandoned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS datasets (
    sweep TEXT NOT NULL,
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    lines INTEGER NOT NULL,
    posts INTEGER NOT NULL,
    users INTEGER NOT NULL,
    PRIMARY KEY (sweep, position)
);
CREATE TABLE IF NOT EXISTS parts (
    sweep TEXT NOT NULL,
    type TEXT NOT NULL,
    part INTEGER NOT NULL,
    ids INTEGER NOT NULL,
    PRIMARY KEY (sweep, type, part)
);
CREATE TABLE IF NOT EXISTS attempts (
    sweep TEXT NOT NULL,
    type TEXT NOT NULL,
    part INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    name TEXT NOT NULL,
    step TEXT NOT NULL,
    job_id TEXT,
    status TEXT,
    error TEXT,
    result_lines INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (sweep, type, part, attempt)
);
CREATE TABLE IF NOT EXISTS reports (
    sweep TEXT PRIMARY KEY,
    finished_at TEXT NOT NULL,
    report TEXT NOT NULL
);
"""


@frozen
class SweepRow:
    id: str
    name: str
    started_at: dt.datetime
    output: str
    ids_per_job: int | None
    planned: bool
    finished_at: dt.datetime | None


@frozen
class DatasetRow:
    position: int
    path: str
    sha256: str
    lines: int
    posts: int
    users: int


@frozen
class PartRow:
    type: str
    part: int
    ids: int


@frozen
class AttemptRow:
    type: str
    part: int
    attempt: int
    name: str
    step: Step
    job_id: str | None
    status: str | None
    error: str | None
    result_lines: int | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text is not None else None


class Store:
    """The state database of one state folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; each step opens its own (``_step``).
        self._db = sqlite3.connect(folder / DATABASE, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed step survives a power cut too
        with self._step():  # executescript would commit on its own: one statement at a time
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _step(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _one(self, query: str, *args: Any) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(query, args).fetchone()
        return row

    # Sweeps -----------------------------------------------------------------------------------

    def latest(self) -> SweepRow | None:
        """The most recent sweep that was not abandoned by a restart."""
        row = self._one(
            "SELECT id, name, started_at, output, ids_per_job, planned, finished_at FROM sweeps "
            "WHERE abandoned = 0 ORDER BY seq DESC LIMIT 1"
        )
        if row is None:
            return None
        started = _time(row[2])
        assert started is not None
        return SweepRow(row[0], row[1], started, row[3], row[4], bool(row[5]), _time(row[6]))

    def begin(
        self, sweep_id: str, name: str, output: str, ids_per_job: int | None, paths: Sequence[str]
    ) -> None:
        """A new sweep of ``paths`` into ``output``; any unfinished one is abandoned."""
        with self._step() as db:
            db.execute("UPDATE sweeps SET abandoned = 1 WHERE finished_at IS NULL")
            db.execute(
                "INSERT INTO sweeps (id, name, started_at, output, ids_per_job) VALUES (?, ?, ?, ?, ?)",
                (sweep_id, name, _now(), output, ids_per_job),
            )
            db.executemany(
                "INSERT INTO datasets VALUES (?, ?, ?, '', 0, 0, 0)",
                [(sweep_id, n, path) for n, path in enumerate(paths)],
            )

    def plan(self, sweep_id: str, datasets: Sequence[DatasetRow], parts: Sequence[PartRow]) -> None:
        """Record what gathering found (the datasets' hashes and counts, the parts written)."""
        with self._step() as db:
            db.executemany(
                "UPDATE datasets SET sha256 = ?, lines = ?, posts = ?, users = ? "
                "WHERE sweep = ? AND position = ?",
                [(d.sha256, d.lines, d.posts, d.users, sweep_id, d.position) for d in datasets],
            )
            db.executemany(
                "INSERT INTO parts VALUES (?, ?, ?, ?)", [(sweep_id, p.type, p.part, p.ids) for p in parts]
            )
            db.execute("UPDATE sweeps SET planned = 1 WHERE id = ?", (sweep_id,))

    def datasets(self, sweep_id: str) -> list[DatasetRow]:
        rows = self._db.execute(
            "SELECT position, path, sha256, lines, posts, users FROM datasets "
            "WHERE sweep = ? ORDER BY position",
            (sweep_id,),
        )
        return [DatasetRow(*row) for row in rows]

    def parts(self, sweep_id: str) -> list[PartRow]:
        rows = self._db.execute(
            "SELECT type, part, ids FROM parts WHERE sweep = ? ORDER BY type, part", (sweep_id,)
        )
        return [PartRow(*row) for row in rows]

    def finish(self, sweep_id: str, report: dict[str, Any]) -> None:
        """The sweep is done; its report is kept for good."""
        with self._step() as db:
            db.execute("UPDATE sweeps SET finished_at = ? WHERE id = ?", (report["finished_at"], sweep_id))
            db.execute(
                "INSERT OR REPLACE INTO reports VALUES (?, ?, ?)",
                (sweep_id, report["finished_at"], json.dumps(report, sort_keys=False)),
            )

    def report(self, sweep_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT report FROM reports WHERE sweep = ?", sweep_id)
        return json.loads(row[0]) if row is not None else None

    def reports(self) -> list[dict[str, Any]]:
        """Every finished sweep's report, oldest first."""
        rows = self._db.execute("SELECT report FROM reports ORDER BY finished_at")
        return [json.loads(row[0]) for row in rows]

    # Attempts: one job per part and attempt ---------------------------------------------------

    def attempts(self, sweep_id: str) -> list[AttemptRow]:
        """The attempts of the sweep, by type, part and attempt."""
        rows = self._db.execute(
            "SELECT type, part, attempt, name, step, job_id, status, error, result_lines FROM attempts "
            "WHERE sweep = ? ORDER BY type, part, attempt",
            (sweep_id,),
        )
        return [AttemptRow(*row) for row in rows]

    def begin_attempt(self, sweep_id: str, type: str, part: int, attempt: int, name: str) -> AttemptRow:
        """Written before the job is created: the name to find it by if the answer is lost."""
        with self._step() as db:
            db.execute(
                "INSERT INTO attempts (sweep, type, part, attempt, name, step, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'creating', ?)",
                (sweep_id, type, part, attempt, name, _now()),
            )
        return AttemptRow(type, part, attempt, name, "creating", None, None, None, None)

    def advance(
        self,
        sweep_id: str,
        row: AttemptRow,
        step: Step,
        *,
        job_id: str | None = None,
        status: str | None = None,
        error: str | None = None,
        result_lines: int | None = None,
    ) -> AttemptRow:
        """Move an attempt to ``step``; the other fields keep their value unless given."""
        updated = AttemptRow(
            row.type,
            row.part,
            row.attempt,
            row.name,
            step,
            job_id if job_id is not None else row.job_id,
            status if status is not None else row.status,
            error if error is not None else row.error,
            result_lines if result_lines is not None else row.result_lines,
        )
        with self._step() as db:
            db.execute(
                "UPDATE attempts SET step = ?, job_id = ?, status = ?, error = ?, result_lines = ?, "
                "updated_at = ? WHERE sweep = ? AND type = ? AND part = ? AND attempt = ?",
                (
                    updated.step,
                    updated.job_id,
                    updated.status,
                    updated.error,
                    updated.result_lines,
                    _now(),
                    sweep_id,
                    row.type,
                    row.part,
                    row.attempt,
                ),
            )
        return updated
