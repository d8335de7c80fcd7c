"""``sweep``: a stored dataset made compliant, end to end: gather the IDs, run the jobs, apply
the results, report. Each phase leaves the state a rerun continues from (``state.py``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import orjson

import x_compliance as xc
from x_compliance.sweeps.decisions import RemovalCounts, RemovalLog
from x_compliance.sweeps.errors import DatasetChangedError, DatasetError, SweepError
from x_compliance.sweeps.formats import Lookups, detect
from x_compliance.sweeps.ids import IdArray, IdCollector, Verdicts, is_id, write_ids
from x_compliance.sweeps.output import replace_when_done, sha256, write_bytes
from x_compliance.sweeps.parquetfiles import has_pyarrow, write_removals
from x_compliance.sweeps.progress import Phase, ProgressCallback, SweepProgress
from x_compliance.sweeps.report import DatasetReport, JobReport, OutputFile, SweepReport
from x_compliance.sweeps.runner import JOB_TYPES, JobRunner, part_file, results_file
from x_compliance.sweeps.state import AttemptRow, DatasetRow, PartRow, Store, SweepRow

DEFAULT_STATE: Final = ".x-compliance"
REMOVALS: Final = "removals.jsonl"
REMOVALS_PARQUET: Final = "removals.parquet"
REPORT: Final = "report.json"
LOCK: Final = "lock"


def sweep(
    client: xc.ComplianceClient,
    datasets: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    state: str | os.PathLike[str] = DEFAULT_STATE,
    name: str | None = None,
    ids_per_job: int | None = None,
    timeout: float | None = None,
    progress: ProgressCallback | None = None,
    restart: bool = False,
) -> SweepReport:
    """Make ``datasets`` compliant: their copies in ``output``, with ``removals.jsonl`` and ``report.json``.

    Every post ID and user ID of the datasets (JSON lines of response pages or of posts, plain or
    gzip) is checked with tweets and users jobs; posts X deleted, protected or suspended, posts of
    users with any event, and those users' objects are left out of the copies, and posts X
    geo-scrubbed lose their ``geo``. The work is recorded in ``state`` as it goes: the same call
    after an interruption (even ``kill -9``) continues where it stopped and gives the same output;
    the same call after the sweep finished returns its report without new jobs. ``restart=True``
    begins a new sweep.

    >>> with xc.ComplianceClient() as client:
    ...     report = xc.sweep(client, ["posts.jsonl.gz"], "compliant/", ids_per_job=5_000_000)
    ... print(report.posts_removed, report.users_removed)

    Raises ``DatasetError`` (file and line) for a dataset it cannot read and ``OSError`` for an
    output folder it cannot write, both before any job; ``DatasetChangedError`` when a dataset
    changed since the unfinished sweep began; ``SweepError`` when X fails a part twice or the
    state belongs to another sweep; the client's errors for what X refuses.
    """
    if ids_per_job is not None and ids_per_job < 1:
        raise ValueError(f"ids_per_job is at least 1, not {ids_per_job}")
    paths = [_input(Path(path)) for path in datasets]
    if not paths:
        raise ValueError("no datasets to sweep")
    out = Path(output).resolve()
    _check_targets(paths, out)
    _check_writable(out)
    folder = Path(state)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        store = Store(folder)
        try:
            return _Sweep(client, store, folder, paths, out, ids_per_job, progress).run(
                name, timeout, restart
            )
        finally:
            store.close()


class _Sweep:
    def __init__(
        self,
        client: xc.ComplianceClient,
        store: Store,
        folder: Path,
        paths: list[Path],
        out: Path,
        ids_per_job: int | None,
        progress: ProgressCallback | None,
    ) -> None:
        self.client = client
        self.store = store
        self.state = folder
        self.paths = paths
        self.out = out
        self.ids_per_job = ids_per_job
        self.progress = progress

    def tell(self, phase: Phase, message: str, dataset: str | None = None) -> None:
        if self.progress is not None:
            self.progress(SweepProgress(phase, message, dataset=dataset))

    def run(self, name: str | None, timeout: float | None, restart: bool) -> SweepReport:
        current = None if restart else self.store.latest()
        if current is not None and not self._same_command(current):
            # One that never got as far as its plan (a dataset refused, say) made no job: replace it.
            if current.finished_at is None and current.planned:
                raise SweepError(
                    f"the state folder {self.state} holds an unfinished sweep of other datasets, "
                    "another output folder or another --ids-per-job: run that command to finish it, "
                    "or use --restart (restart=True) or another --state"
                )
            current = None
        if current is not None and current.finished_at is not None:
            if self._unchanged(current) is None:
                kept = self.store.report(current.id)
                assert kept is not None
                self.tell("done", f"this sweep finished at {kept['finished_at']}; --restart sweeps again")
                return SweepReport.from_dict(kept)
            current = None
        if current is not None and current.planned and (changed := self._unchanged(current)) is not None:
            raise DatasetChangedError(changed)
        if current is None:
            sweep_id = secrets.token_hex(6)
            self.store.begin(
                sweep_id,
                name or f"sweep-{sweep_id}",
                str(self.out),
                self.ids_per_job,
                [str(p) for p in self.paths],
            )
            current = self.store.latest()
            assert current is not None
        folder = self.state / current.id
        if not current.planned:
            self._plan(current.id, folder)
        self.tell("jobs", "running the jobs")
        JobRunner(self.client, self.store, current.id, folder, timeout=timeout, progress=self.progress).run()
        # Every part is downloaded: none is read again. Removed now, not after ``finish``, which a
        # kill could separate from the removal for good (the next run returns the finished report).
        shutil.rmtree(folder / "parts", ignore_errors=True)  # derived from the datasets; results stay
        report = self._apply(current, folder)
        self.store.finish(current.id, report.to_dict())
        self.tell("done", "finished")
        return report

    def _same_command(self, current: SweepRow) -> bool:
        recorded = [row.path for row in self.store.datasets(current.id)]
        return (
            recorded == [str(p) for p in self.paths]
            and current.output == str(self.out)
            and current.ids_per_job == self.ids_per_job
        )

    def _unchanged(self, current: SweepRow) -> Path | None:
        """The first dataset whose SHA-256 differs from the recorded one, or None."""
        for row in self.store.datasets(current.id):
            self.tell("gather", "checking that the dataset is unchanged", row.path)
            if sha256(Path(row.path)) != row.sha256:
                return Path(row.path)
        return None

    # Gather: every ID, checked, into parts ----------------------------------------------------

    def _plan(self, sweep_id: str, folder: Path) -> None:
        posts, users = IdCollector(), IdCollector()
        rows = []
        for position, path in enumerate(self.paths):
            self.tell("gather", "reading IDs", str(path))
            dataset = detect(path)
            tally = dataset.format.gather(dataset, posts, users)
            assert dataset.sha256 is not None  # hashed as it was read
            rows.append(
                DatasetRow(position, str(path), dataset.sha256, tally.lines, tally.posts, tally.users)
            )
        (folder / "parts").mkdir(parents=True, exist_ok=True)
        parts = []
        for type, ids in zip(JOB_TYPES, (posts.sorted(), users.sorted()), strict=True):
            for number, chunk in enumerate(self._split(ids), 1):
                with replace_when_done(part_file(folder, type, number)) as file:
                    write_ids(chunk, file)
                parts.append(PartRow(type, number, len(chunk)))
        self.store.plan(sweep_id, rows, parts)

    def _split(self, ids: IdArray) -> list[IdArray]:
        size = self.ids_per_job or max(len(ids), 1)
        return [ids[start : start + size] for start in range(0, len(ids), size)]

    # Apply: the compliant copies, removals.jsonl, report.json ---------------------------------

    def _apply(self, current: SweepRow, folder: Path) -> SweepReport:
        attempts = self.store.attempts(current.id)
        done = [row for row in attempts if row.step == "downloaded"]
        lookups = Lookups(*(_verdicts(folder, [r for r in done if r.type == t]) for t in JOB_TYPES))
        self.out.mkdir(parents=True, exist_ok=True)
        log = RemovalLog()
        outputs = []
        recorded = {row.path: row.sha256 for row in self.store.datasets(current.id)}
        for path in self.paths:
            self.tell("apply", "writing the compliant copy", str(path))
            dataset = detect(path)
            target = self.out / path.name
            with replace_when_done(target) as file:
                dataset.format.apply(dataset, file, lookups, log)
                if dataset.sha256 != recorded[str(path)]:  # changed while the jobs ran
                    raise DatasetChangedError(path)
            outputs.append(OutputFile(str(target), sha256(target)))
        counts = RemovalCounts()
        with replace_when_done(self.out / REMOVALS) as file:
            for removal in log.removals():
                counts.add(removal)
                file.write(removal.to_json())
        outputs.append(OutputFile(str(self.out / REMOVALS), sha256(self.out / REMOVALS)))
        if has_pyarrow():  # the same records for data engines (the parquet extra): see parquetfiles
            with replace_when_done(self.out / REMOVALS_PARQUET) as file:
                write_removals(log.removals(), file)
            outputs.append(OutputFile(str(self.out / REMOVALS_PARQUET), sha256(self.out / REMOVALS_PARQUET)))
        parts = {(p.type, p.part): p.ids for p in self.store.parts(current.id)}
        report = SweepReport(
            id=current.id,
            name=current.name,
            started_at=current.started_at,
            finished_at=_now_ms(),
            output=str(self.out),
            datasets=tuple(
                DatasetReport(r.path, r.sha256, r.lines, r.posts, r.users)
                for r in self.store.datasets(current.id)
            ),
            jobs=tuple(
                JobReport(
                    r.job_id,
                    r.type,
                    r.part,
                    r.attempt,
                    r.name,
                    parts[(r.type, r.part)],
                    "complete" if r.step == "downloaded" else (r.status or r.step),
                    r.result_lines,
                )
                for r in attempts
            ),
            post_ids=sum(n for (t, _), n in parts.items() if t == "tweets"),
            user_ids=sum(n for (t, _), n in parts.items() if t == "users"),
            posts_removed=dict(sorted(counts.posts_removed.items())),
            posts_removed_via_author=dict(sorted(counts.posts_removed_via_author.items())),
            posts_geo_scrubbed=counts.posts_geo_scrubbed,
            users_removed=dict(sorted(counts.users_removed.items())),
            outputs=tuple(outputs),
        )
        write_bytes(self.out / REPORT, (json.dumps(report.to_dict(), indent=2) + "\n").encode())
        return report


def _verdicts(folder: Path, downloaded: list[AttemptRow]) -> Verdicts:
    def pairs() -> Iterator[tuple[int, str]]:
        for row in downloaded:
            path = results_file(folder, row.type, row.part, row.attempt)
            with path.open("rb") as file:
                for number, line in enumerate(file, 1):
                    if not line.strip():
                        continue
                    try:
                        result = orjson.loads(line)
                        if is_id(result["id"]):
                            yield int(result["id"]), str(result["reason"])
                            continue
                    except (orjson.JSONDecodeError, KeyError, TypeError):
                        pass
                    raise SweepError(f"{path}, line {number}: not a results line from X")

    return Verdicts.from_results(pairs())


def _now_ms() -> dt.datetime:
    """Now, to the millisecond: what the report and the state keep."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _input(path: Path) -> Path:
    if not path.is_file():
        raise DatasetError(path, 0, "no such file")
    return path.resolve()


def _check_targets(paths: list[Path], out: Path) -> None:
    names: dict[str, Path] = {}
    for path in paths:
        if path.name in (REMOVALS, REMOVALS_PARQUET, REPORT) or path.name in names:
            raise DatasetError(
                path, 0, f"its copy would be {out / path.name}, a name another output file takes; rename it"
            )
        if path.parent == out:
            raise DatasetError(path, 0, "the output folder is the dataset's own: the copy would replace it")
        names[path.name] = path


def _check_writable(out: Path) -> None:
    """Refuse an output folder the sweep could not write, without creating it yet."""
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write the output folder {out}: {existing} is not a writable folder")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One sweep at a time per state folder (the lock goes with the process, even on kill -9)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; one sweep per state folder is on the user
        yield
        return
    with (folder / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SweepError(f"another sweep is running with the state folder {folder}") from None
        yield
