"""``x-compliance sweep``: a stored dataset made compliant, from the command line.

Registered on the ``x-compliance`` app by ``cli.py``. Progress on stderr when it is a terminal
(phase, part, job, status, bytes up and down); the summary table on stdout, or with ``--json`` the
report as JSON on stdout (talk stays on stderr). Exit status as for every command: 0 done, 1 an
API, job, data or file error (the state is kept: the same command continues), 2 a usage error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Group
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

import x_compliance as xc
from x_compliance.cli import BaseUrlOption, JsonOption, _client, _fails_cleanly, _say, command, err, out

if TYPE_CHECKING:  # annotations only: the sweep (numpy, sqlite3) loads when a sweep runs, not with the CLI
    from x_compliance.sweeps import SweepProgress, SweepReport
    from x_compliance.sweeps.progress import ProgressCallback


@command("sweep")
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
            metavar="OUTDIR",
            file_okay=False,
            help="Folder for the compliant copies, removals.jsonl and report.json.",
        ),
    ],
    state: Annotated[
        Path,
        typer.Option(
            "--state", metavar="DIR", file_okay=False, help="Folder for the sweep's state (resume from it)."
        ),
    ] = Path(".x-compliance"),
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="A name for the sweep, kept in its report.")
    ] = None,
    ids_per_job: Annotated[
        int | None,
        typer.Option(
            "--ids-per-job",
            metavar="N",
            min=1,
            help="At most this many IDs per job (default: one job per type).",
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=0,
            help="Stop after this many seconds (exit 1; the state is kept: the same command goes on).",
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Begin a new sweep instead of continuing the state's last one.")
    ] = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Make stored datasets compliant: check every post and user ID with X, write copies without what
    X wants removed. Interrupted (even killed)? Run the same command again: it continues."""
    began = dt.datetime.now(dt.UTC)
    with _client(base_url) as client, _progress() as progress:
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
        _say(
            f"this sweep finished at {report.finished_at:%Y-%m-%d %H:%M} UTC; its report follows "
            "(--restart sweeps again)"
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


# The demo: a generated dataset swept on a local emulator ------------------------------------

SAMPLE_POST_BASE = 1_790_000_000_000_000_000  # 19-digit snowflakes, as X's post IDs are today
SAMPLE_USER_BASE = 1_400_000_000
POSTS_PER_PAGE = 100


def sample_dataset(path: Path, posts: int) -> tuple[int, int]:
    """Write ``posts`` posts as twarc2 writes search results (gzip JSON lines of response pages,
    authors in ``includes.users``, quoted posts in ``includes.tweets``); returns (pages, users).

    IDs step by numbers prime to 10, so their last digits, which the emulator's results rule
    reads, give every kind of decision: removed posts, posts of removed authors, geo scrubs.
    """
    authors = max(posts // 15, 1)

    def post(n: int) -> dict[str, object]:
        document: dict[str, object] = {
            "id": str(SAMPLE_POST_BASE + n * 9_973),
            "text": f"Sample post {n} about #compliance",
            "author_id": str(SAMPLE_USER_BASE + ((n * 7 + n // 10) % authors) * 31),
            "created_at": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}T12:{n % 60:02d}:00.000Z",
            "lang": "en",
            "public_metrics": {
                "retweet_count": n % 5,
                "reply_count": 0,
                "like_count": n % 17,
                "quote_count": 0,
            },
        }
        if n % 4 == 0:
            document["geo"] = {"place_id": "01a9a39529b27f36"}
        return document

    pages = 0
    with gzip.open(path, "wt", encoding="utf-8") as file:
        for first in range(0, posts, POSTS_PER_PAGE):
            data = [post(n) for n in range(first, min(first + POSTS_PER_PAGE, posts))]
            quoted = [post(n - 7) for n in range(first + 9, first + len(data), 10) if n >= 7]
            for quoting, quote in zip(data[9::10], quoted, strict=False):
                quoting["referenced_tweets"] = [{"type": "quoted", "id": quote["id"]}]
            user_ids = sorted({str(p["author_id"]) for p in data + quoted})
            page = {
                "data": data,
                "includes": {
                    "users": [
                        {"id": u, "name": f"User {u[-4:]}", "username": f"user{u[-6:]}"} for u in user_ids
                    ],
                    "tweets": quoted,
                },
                "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"], "result_count": len(data)},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0"},
            }
            file.write(json.dumps(page) + "\n")
            pages += 1
    return pages, authors


def demo(posts: int, processing_seconds: float) -> None:
    """Generate a sample dataset, sweep it on a local emulator, print what the sweep did."""
    import tempfile

    from x_compliance.emulator import Emulator

    with tempfile.TemporaryDirectory(prefix="x-compliance-demo-") as scratch:
        folder = Path(scratch)
        dataset = folder / "search-results.jsonl.gz"
        pages, users = sample_dataset(dataset, posts)
        out.print(
            f"1. generated a sample dataset as twarc2 writes it: {posts:,} posts by {users:,} users in "
            f"{pages:,} response pages, gzip ({dataset.stat().st_size / 1e6:.1f} MB)",
            markup=False,
        )
        with Emulator(processing_seconds=processing_seconds) as emu, _progress() as progress:
            out.print(
                f"2. started a local emulator at {emu.base_url} (nothing leaves this machine)", markup=False
            )
            out.print(
                "3. sweeping: tweets and users jobs side by side, state recorded step by step", markup=False
            )
            with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
                report = xc.sweep(
                    client,
                    [dataset],
                    folder / "compliant",
                    state=folder / "state",
                    name="x-compliance-demo",
                    ids_per_job=max(posts // 3 + 1, 1),
                    progress=progress,
                )
        out.print(summary(report))
        removals = (folder / "compliant" / "removals.jsonl").read_text().splitlines()
        out.print(f"removals.jsonl ({len(removals):,} lines), the first three:", markup=False)
        for line in removals[:3]:
            out.print("  " + line, markup=False)
        out.print(
            "Killed or interrupted, the same 'x-compliance sweep' command continues from its state "
            "(--state, default .x-compliance/) and gives the same output.",
            markup=False,
        )
