"""``x-compliance sweep``: a stored dataset made compliant, from the command line.

Registered on the ``x-compliance`` app by ``cli.py``. Progress on stderr when it is a terminal
(phase, part, job, status, bytes up and down); the summary table on stdout, or with ``--json`` the
report as JSON on stdout (talk stays on stderr). Exit status as for every command: 0 done, 1 an
API, job, data or file error (the state is kept: the same command continues), 2 a usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Group
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

import x_compliance as xc
from x_compliance.cli import JsonOption, TimeoutOption, _client, _fails_cleanly, app, err, out
from x_compliance.sweeps import SweepProgress, SweepReport
from x_compliance.sweeps.progress import ProgressCallback


@app.command("sweep")
@_fails_cleanly
def sweep(
    datasets: Annotated[
        list[Path],
        typer.Argument(
            metavar="DATASET",
            exists=True,
            dir_okay=False,
            help="JSON lines of API response pages or of posts (twarc2 and 'twarc2 flatten'), plain or gzip.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            file_okay=False,
            help="Folder for the compliant copies, removals.jsonl and report.json.",
        ),
    ],
    state: Annotated[
        Path, typer.Option("--state", file_okay=False, help="Folder for the sweep's state (resume from it).")
    ] = Path(".x-compliance"),
    name: Annotated[
        str | None, typer.Option("--name", help="A name for the sweep, kept in its report.")
    ] = None,
    ids_per_job: Annotated[
        int | None,
        typer.Option(
            "--ids-per-job", min=1, help="At most this many IDs per job (default: one job per type)."
        ),
    ] = None,
    timeout: TimeoutOption = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Begin a new sweep instead of continuing the state's last one.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make stored datasets compliant: check every post and user ID with X, write copies without what
    X wants removed. Interrupted (even killed)? Run the same command again: it continues."""
    began = dt.datetime.now(dt.UTC)
    with _client() as client, _progress() as progress:
        report = xc.sweep(
            client,
            datasets,
            output,
            state=state,
            name=name,
            ids_per_job=ids_per_job,
            timeout=timeout,
            progress=progress,
            restart=restart,
        )
    if report.finished_at < began:
        err.print(
            f"this sweep finished at {report.finished_at:%Y-%m-%d %H:%M} UTC; its report follows "
            "(--restart sweeps again)",
            markup=False,
        )
    if as_json:
        out.print(json.dumps(report.to_dict(), indent=2), markup=False)
        return
    out.print(summary(report))


def summary(report: SweepReport) -> Group:
    """The report as tables: datasets, jobs, what was removed, the files written."""
    data = Table(title=f"Sweep {report.name}", box=box.SIMPLE_HEAD)
    data.add_column("dataset", overflow="fold")
    for heading in ("lines", "posts", "users"):
        data.add_column(heading, justify="right", no_wrap=True)
    for d in report.datasets:
        data.add_row(d.path, f"{d.lines:,}", f"{d.posts:,}", f"{d.users:,}")
    jobs = Table("type", "part", "attempt", "job", "status", "IDs", "results", box=box.SIMPLE_HEAD)
    for j in report.jobs:
        results = "" if j.result_lines is None else f"{j.result_lines:,}"
        jobs.add_row(j.type, str(j.part), str(j.attempt), j.id or "", j.status, f"{j.ids:,}", results)
    removed = Table(
        "what", "reason", "count", title="Removed or scrubbed (each object once)", box=box.SIMPLE_HEAD
    )
    for label, counts in (
        ("posts, own reason", report.posts_removed),
        ("posts, author's reason", report.posts_removed_via_author),
        ("users", report.users_removed),
    ):
        for reason, count in counts.items():
            removed.add_row(label, reason, f"{count:,}")
    removed.add_row("posts, geo scrubbed", "scrub_geo", f"{report.posts_geo_scrubbed:,}")
    removed.add_row("distinct IDs checked", "", f"{report.post_ids:,} posts, {report.user_ids:,} users")
    files = Table(box=box.SIMPLE_HEAD)
    files.add_column("file written", overflow="fold")
    files.add_column("SHA-256", no_wrap=True)
    for f in report.outputs:
        files.add_row(f.path, f.sha256[:16] + "…")
    return Group(data, jobs, removed, files)


@contextlib.contextmanager
def _progress() -> Iterator[ProgressCallback | None]:
    """One line per phase and job type on stderr, when it is a terminal."""
    if not err.is_terminal:
        yield None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        lines: dict[str, TaskID] = {}

        def show(event: SweepProgress) -> None:
            key = event.type or event.phase
            if key not in lines:
                lines[key] = bar.add_task("", total=None)
            bar.update(lines[key], description=_describe(event))

        yield show


def _describe(event: SweepProgress) -> str:
    if event.phase != "jobs":
        return f"{event.phase}: {event.message}" + (f" {event.dataset}" if event.dataset else "")
    text = f"{event.type} part {event.part}/{event.parts}"
    if event.job_id:
        text += f", job {event.job_id}"
    text += f": {event.message}"
    if event.bytes_up or event.bytes_down:
        moved = event.bytes_up or event.bytes_down
        arrow = "up" if event.bytes_up else "down"
        text += (
            f" ({moved / 1e6:.1f}" + (f" of {event.total / 1e6:.1f}" if event.total else "") + f" MB {arrow})"
        )
    return text
