"""The job runner: every part of the sweep through create -> upload -> poll -> download, tweets
and users side by side (X allows one running job per type), each step recorded before and after.

One loop drives both types, one step at a time, so that no threads are needed: each type is a
``Lane`` with its current part and attempt, and the time it next has something to do. A step is
decided from the attempt's recorded step, and, where the last run may have been killed in the
middle of it, from what X says about the job:

- ``creating``: the name was recorded before the create. An attempt begun by an earlier run may
  have made its job without hearing back: its name is looked for in the type's jobs, and adopted.
  A 409 (someone else's job holds the type) is waited out, with a growing pause.
- ``created`` / ``uploading``: the upload is sent while the job is ``created``; a job already
  ``in_progress`` (or beyond) took an upload, which is never sent again. A job whose upload window
  passed gets a new attempt.
- ``uploaded``: polled until ``complete``. ``failed`` gets one new attempt, then the sweep stops
  with X's error; ``expired`` (results that expired while nobody ran) gets a new attempt.
- ``downloading``: results are saved atomically, so a file in place is a finished download, never
  fetched again.

A poll, create or transfer that fails for a transient reason (no connection, 5xx, 429) is tried
again after a pause; a run of ``MAX_TRANSIENT`` such failures in a row stops the sweep.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from attrs import define, field

import x_compliance as xc
from x_compliance.sweeps.errors import SweepError
from x_compliance.sweeps.progress import ProgressCallback, SweepProgress
from x_compliance.sweeps.state import AttemptRow, PartRow, Step, Store

JOB_TYPES: Final = ("tweets", "users")
GET_JOB: Final = "GET /2/compliance/jobs/:id"
POLL_FIRST: Final = 1.0
POLL_MAX: Final = 60.0
CONFLICT_FIRST: Final = 5.0
CONFLICT_MAX: Final = 120.0
TRANSIENT_FIRST: Final = 2.0
TRANSIENT_MAX: Final = 300.0
MAX_TRANSIENT: Final = 10
MAX_FAILED: Final = 2  # X's "failed" gets one new job; a second failure stops the sweep
TRANSIENT: Final = (xc.APIConnectionError, xc.ServerError, xc.RateLimitError)


class SweepTimeoutError(SweepError):
    """The sweep's ``timeout`` passed with jobs still to run; the same command continues it."""


def job_name(sweep_id: str, type: str, part: int, attempt: int) -> str:
    """The job's name: found again by it after a lost answer (at most 64 characters)."""
    return f"xcs-{sweep_id}-{type[0]}-{part:03d}-a{attempt}"


def part_file(folder: Path, type: str, part: int) -> Path:
    return folder / "parts" / f"{type}-{part:03d}.txt"


def results_file(folder: Path, type: str, part: int, attempt: int) -> Path:
    return folder / "results" / f"{type}-{part:03d}-a{attempt}.jsonl"


def count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))


@define
class Lane:
    """One job type: its parts in order, the current one, and when it next has work."""

    type: str
    parts: list[PartRow]
    index: int = 0
    attempt: AttemptRow | None = None
    failures: int = 0
    wake_at: float = 0.0
    polls: int = 0
    conflicts: int = 0
    transient: int = 0
    checked_names: set[str] = field(factory=set)
    seen: xc.ComplianceJob | None = None
    """The job as this run last had it from X (just made, or polled complete): no need to ask again."""

    @property
    def done(self) -> bool:
        return self.index >= len(self.parts)

    @property
    def part(self) -> PartRow:
        return self.parts[self.index]


class JobRunner:
    """Runs the parts of one sweep to downloaded results (see the module's docstring)."""

    def __init__(
        self,
        client: xc.ComplianceClient,
        store: Store,
        sweep_id: str,
        folder: Path,
        *,
        timeout: float | None,
        progress: ProgressCallback | None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._store = store
        self._sweep = sweep_id
        self._folder = folder
        self._progress = progress
        self._sleep = sleep
        self._monotonic = monotonic
        self._deadline = None if timeout is None else monotonic() + timeout
        parts = store.parts(sweep_id)
        attempts = store.attempts(sweep_id)
        self._lanes = [self._lane(t, parts, attempts) for t in JOB_TYPES]
        (folder / "results").mkdir(parents=True, exist_ok=True)
        for leftover in (folder / "results").glob(".*.part"):  # a download a kill cut short
            with contextlib.suppress(OSError):
                leftover.unlink()

    @staticmethod
    def _lane(type: str, parts: list[PartRow], attempts: list[AttemptRow]) -> Lane:
        lane = Lane(type, [p for p in parts if p.type == type])
        latest: dict[int, AttemptRow] = {}
        failures: dict[int, int] = {}
        for row in attempts:
            if row.type == type:
                latest[row.part] = row
                failures[row.part] = failures.get(row.part, 0) + (row.step == "failed")
        while (
            not lane.done and (last := latest.get(lane.part.part)) is not None and last.step == "downloaded"
        ):
            lane.index += 1
        if not lane.done:
            lane.attempt = latest.get(lane.part.part)
            lane.failures = failures.get(lane.part.part, 0)
        return lane

    def run(self) -> None:
        """Step the lanes until every part has its results."""
        while active := [lane for lane in self._lanes if not lane.done]:
            lane = min(active, key=lambda lane: lane.wake_at)
            delay = lane.wake_at - self._monotonic()
            if delay > 0:
                if self._deadline is not None and self._monotonic() + delay > self._deadline:
                    raise SweepTimeoutError(
                        "the timeout passed with jobs still running; the state is kept: run the same "
                        "command again to continue"
                    )
                self._sleep(delay)
            lane.wake_at = self._monotonic() + self._step_safely(lane)

    def _step_safely(self, lane: Lane) -> float:
        try:
            pause = self._step(lane)
        except TRANSIENT as error:
            lane.transient += 1
            if lane.transient > MAX_TRANSIENT:
                raise
            self._tell(lane, f"missed a step ({type(error).__name__}), trying again")
            if isinstance(error, xc.RateLimitError) and error.reset_at is not None:
                return max(error.reset_at.timestamp() - time.time(), 1.0)
            return float(min(TRANSIENT_FIRST * 2 ** (lane.transient - 1), TRANSIENT_MAX))
        lane.transient = 0
        return pause

    # One step of a lane: returns the seconds until its next step ------------------------------

    def _step(self, lane: Lane) -> float:
        row = lane.attempt
        if row is None or row.step in ("expired", "failed"):
            return self._new_attempt(lane, row)
        match row.step:
            case "creating":
                return self._create(lane, row)
            case "created" | "uploading":
                return self._upload(lane, row)
            case "uploaded":
                return self._poll(lane, row)
            case "downloading":
                return self._download(lane, row)
            case _:  # downloaded: on to the next part
                lane.index += 1
                lane.attempt, lane.failures, lane.polls, lane.conflicts = None, 0, 0, 0
                return 0.0

    def _new_attempt(self, lane: Lane, last: AttemptRow | None) -> float:
        if last is not None and last.step == "failed" and lane.failures >= MAX_FAILED:
            raise SweepError(
                f"X failed job {last.job_id} ({lane.type}, part {last.part}) twice; X's error: "
                f"{last.error or 'none given'}"
            )
        number = 1 if last is None else last.attempt + 1
        part = lane.part.part
        name = job_name(self._sweep, lane.type, part, number)
        lane.attempt = self._store.begin_attempt(self._sweep, lane.type, part, number, name)
        lane.checked_names.add(name)  # begun by this run: no earlier create to look for
        lane.polls = lane.conflicts = 0
        return 0.0

    def _advance(
        self,
        lane: Lane,
        step: Step,
        *,
        job_id: str | None = None,
        status: str | None = None,
        error: str | None = None,
        result_lines: int | None = None,
    ) -> None:
        assert lane.attempt is not None
        lane.attempt = self._store.advance(
            self._sweep,
            lane.attempt,
            step,
            job_id=job_id,
            status=status,
            error=error,
            result_lines=result_lines,
        )
        if step == "failed":
            lane.failures += 1
        self._tell(lane, step)

    def _create(self, lane: Lane, row: AttemptRow) -> float:
        if row.name not in lane.checked_names:  # an earlier run may have made it and been killed
            found = next((job for job in self._client.list_jobs(lane.type) if job.name == row.name), None)
            lane.checked_names.add(row.name)
            if found is not None:
                lane.seen = found
                self._advance(lane, "created", job_id=found.id, status=str(found.status))
                return 0.0
        try:
            job = self._client.create_job(lane.type, name=row.name)
        except xc.ConflictError:  # certainly no job made: the name needs no looking for
            lane.conflicts += 1
            self._tell(lane, "waiting: another job of this type is running (409)")
            return float(min(CONFLICT_FIRST * 2 ** (lane.conflicts - 1), CONFLICT_MAX))
        except xc.ComplianceError:  # the job may exist ("may have reached X"): look before trying again
            lane.checked_names.discard(row.name)
            raise
        lane.seen = job
        self._advance(lane, "created", job_id=job.id, status=str(job.status))
        return 0.0

    def _job(self, lane: Lane, row: AttemptRow) -> xc.ComplianceJob:
        """The attempt's job as this run last had it from X, else fetched."""
        assert row.job_id is not None
        if lane.seen is None or lane.seen.id != row.job_id:
            lane.seen = self._client.get_job(row.job_id)
        return lane.seen

    def _upload(self, lane: Lane, row: AttemptRow) -> float:
        if row.step != "created":  # an upload this run began may have reached storage: ask X
            lane.seen = None
        job = self._job(lane, row)
        status = str(job.status)
        if status == "expired":
            self._advance(lane, "expired", status=status)
            return 0.0
        if status != "created":  # it took an upload (this one, before a kill): never send it twice
            self._advance(lane, "uploaded", status=status)
            return 0.0
        if row.step == "created":
            self._advance(lane, "uploading")
        path = part_file(self._folder, lane.type, row.part)
        try:
            self._client.upload_ids(job, path, progress=self._bytes(lane, job.id, up=True))
        except xc.UploadExpiredError:
            self._advance(lane, "expired", status="expired")
            return 0.0
        self._advance(lane, "uploaded", status="in_progress")
        return 0.0

    def _poll(self, lane: Lane, row: AttemptRow) -> float:
        assert row.job_id is not None
        job = lane.seen = self._client.get_job(row.job_id)
        status = str(job.status)
        if status == "complete":
            self._advance(lane, "downloading", status=status)
            return 0.0
        if status == "failed":
            self._advance(lane, "failed", status=status, error=str(job.error) if job.error else None)
            return 0.0
        if status == "expired":
            self._advance(lane, "expired", status=status)
            return 0.0
        lane.polls += 1
        self._tell(lane, status, status=status)
        return self._poll_pause(lane)

    def _poll_pause(self, lane: Lane) -> float:
        pause = min(POLL_FIRST * 1.5 ** (lane.polls - 1), POLL_MAX)
        limit = self._client.rate_limits.get(GET_JOB)
        near_empty = limit is not None and limit.remaining is not None and limit.remaining <= len(JOB_TYPES)
        if near_empty and limit is not None and limit.reset_at is not None:  # leave the last requests alone
            pause = max(pause, limit.reset_at.timestamp() - time.time() + 1.0)
        return pause

    def _download(self, lane: Lane, row: AttemptRow) -> float:
        assert row.job_id is not None
        path = results_file(self._folder, lane.type, row.part, row.attempt)
        if not path.exists():  # saved atomically: a file in place is a whole download
            job = self._job(lane, row)
            if str(job.status) != "complete":
                self._advance(lane, "expired", status=str(job.status))
                return 0.0
            try:
                self._client.download_results(job, path, progress=self._bytes(lane, job.id, up=False))
            except xc.DownloadExpiredError:
                self._advance(lane, "expired", status="expired")
                return 0.0
        self._advance(lane, "downloaded", result_lines=count_lines(path))
        return 0.0

    # Progress ---------------------------------------------------------------------------------

    def _tell(
        self,
        lane: Lane,
        message: str,
        *,
        status: str | None = None,
        moved: tuple[int, int] = (0, 0),
        total: int | None = None,
    ) -> None:
        if self._progress is None:
            return
        row = lane.attempt
        self._progress(
            SweepProgress(
                "jobs",
                message,
                type=lane.type,
                part=lane.part.part if not lane.done else None,
                parts=len(lane.parts),
                job_id=row.job_id if row is not None else None,
                status=status or (row.status if row is not None else None),
                bytes_up=moved[0],
                bytes_down=moved[1],
                total=total,
            )
        )

    def _bytes(self, lane: Lane, job_id: str, *, up: bool) -> Callable[[int, int | None], None] | None:
        if self._progress is None:
            return None

        def moved(done: int, total: int | None) -> None:
            self._tell(
                lane,
                "uploading IDs" if up else "downloading results",
                moved=(done, 0) if up else (0, done),
                total=total,
            )

        return moved
