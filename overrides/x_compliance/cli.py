"""The ``x-compliance`` command line, on the public client.

Tables for people, ``--json`` for pipes; progress on stderr when it is a terminal. Exit status 0 on
success, 1 on an API, job, file or data error (one line on stderr, no traceback), 2 on a usage
error. The bearer token comes from ``X_BEARER_TOKEN`` only, never from an argument: other users
of the machine can read a process's arguments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

import x_compliance as xc
from x_compliance import _constants as c
from x_compliance.results import LineReader
from x_compliance_api.types import Unset

TOKEN_HELP = (
    f"The bearer token is read from the {c.BEARER_TOKEN_ENV} environment variable only, never from an "
    "argument (other users of the machine can read a process's arguments)."
)

app = typer.Typer(
    name="x-compliance",
    help=(
        "Find out which stored Post and user IDs X wants deleted, with its batch compliance API. "
        + TOKEN_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
jobs_app = typer.Typer(help="List, get and create compliance jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

TypeOption = Annotated[xc.JobType, typer.Option("--type", "-t", help="tweets (Post IDs) or users (user IDs)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for pipes instead of a table.")]
TimeoutOption = Annotated[
    float | None, typer.Option("--timeout", min=0, help="Give up waiting after this many seconds.")
]


class _Settings:
    base_url: str | None = None


@app.callback()
def _main_options(
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", envvar=c.BASE_URL_ENV, help="API address (default https://api.x.com)."),
    ] = None,
) -> None:
    _Settings.base_url = base_url


def _fails_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one line on stderr and exit status 1 (2 for a missing token)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:  # the reader went away (``| head``): not an error
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (xc.ComplianceError, ValueError, OSError) as error:
            err.print(f"error: {error}", markup=False)
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(130) from None
        raise typer.Exit(1)

    return run


def _client() -> xc.ComplianceClient:
    if not os.environ.get(c.BEARER_TOKEN_ENV):
        err.print(f"error: set {c.BEARER_TOKEN_ENV} to your app's bearer token. {TOKEN_HELP}", markup=False)
        raise typer.Exit(2)
    return xc.ComplianceClient(base_url=_Settings.base_url)


def _job_id(value: str) -> str:
    if not (value.isdigit() and len(value) <= 19):
        raise typer.BadParameter(f"a job id is 1-19 digits, not {value!r}")
    return value


JobIdArgument = Annotated[str, typer.Argument(metavar="ID", help="A job id (1-19 digits).", callback=_job_id)]


# Output --------------------------------------------------------------------------------------


def _when(stamp: dt.datetime | None) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M") if stamp is not None else ""


def _optional(value: object) -> str:
    return "" if isinstance(value, Unset) or value is None else str(value)


def _print_jobs(jobs: list[xc.ComplianceJob], as_json: bool) -> None:
    if as_json:
        out.print(json.dumps([job.to_dict() for job in jobs], indent=2), markup=False)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True)  # ids are never cut: people copy them
    table.add_column("type", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("created (UTC)", no_wrap=True)
    table.add_column("name", overflow="fold")
    with_errors = any(not isinstance(job.error, Unset) for job in jobs)
    if with_errors:
        table.add_column("error", overflow="fold")
    for job in jobs:
        row = [job.id, str(job.type_), str(job.status), _when(job.created_at), _optional(job.name)]
        table.add_row(*row, *([_optional(job.error)] if with_errors else []))
    out.print(table)
    if not jobs:
        err.print("no jobs", markup=False)


def _print_job(job: xc.ComplianceJob, as_json: bool) -> None:
    if as_json:
        out.print(json.dumps(job.to_dict(), indent=2), markup=False)
        return
    table = Table("field", "value", show_header=False, box=box.SIMPLE, pad_edge=False)
    for key, value in (
        ("id", job.id),
        ("type", str(job.type_)),
        ("status", str(job.status)),
        ("name", _optional(job.name)),
        ("resumable", _optional(job.resumable)),
        ("error", _optional(job.error)),
        ("created (UTC)", _when(job.created_at)),
        ("upload until", _when(job.upload_expires_at)),
        ("results until", _when(job.download_expires_at)),
    ):
        if value:
            table.add_row(key, value)
    out.print(table)


def _summary(counts: Counter[str], total: int | None = None) -> Table:
    table = Table("reason", "results", title="Results by reason", box=box.SIMPLE_HEAD, pad_edge=False)
    for reason, count in counts.most_common():
        table.add_row(reason, f"{count:,}")
    table.add_row("all", f"{sum(counts.values()):,}" + (f" of {total:,} IDs" if total else ""))
    return table


@contextlib.contextmanager
def _bar(description: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not err.is_terminal:
        yield None
        return
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextlib.contextmanager
def _status(job_id: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A status line on stderr while waiting, when it is a terminal."""
    if not err.is_terminal:
        yield None
        return
    with err.status(f"waiting for job {job_id}") as status:

        def update(waited: int, timeout: int | None) -> None:
            limit = f" of {timeout} s" if timeout is not None else ""
            status.update(f"waiting for job {job_id}: {waited} s{limit}")

        yield update


def _write_results(results: Iterator[xc.ComplianceResult]) -> Counter[str]:
    counts: Counter[str] = Counter()
    write = sys.stdout.write
    for result in results:
        counts[str(result.reason)] += 1
        write(json.dumps(result.to_dict(), separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return counts


def _count_reasons(path: Path) -> Counter[str]:
    reader = LineReader()
    counts: Counter[str] = Counter()
    with path.open("rb") as file:
        while block := file.read(c.TRANSFER_BLOCK):
            counts.update(str(r.reason) for r in reader.feed(block))
    counts.update(str(r.reason) for r in reader.finish())
    return counts


# Commands ------------------------------------------------------------------------------------


@jobs_app.command("list")
@_fails_cleanly
def jobs_list(
    type: TypeOption,
    status: Annotated[
        xc.JobStatusFilter | None, typer.Option("--status", "-s", help="Only jobs in this status.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the app's jobs of one type, newest first."""
    with _client() as client:
        _print_jobs(client.list_jobs(type, status=status), as_json)


@jobs_app.command("get")
@_fails_cleanly
def jobs_get(job_id: JobIdArgument, as_json: JsonOption = False) -> None:
    """Show one job."""
    with _client() as client:
        _print_job(client.get_job(job_id), as_json)


@jobs_app.command("create")
@_fails_cleanly
def jobs_create(
    type: TypeOption,
    name: Annotated[str | None, typer.Option("--name", help="Up to 64 characters.")] = None,
    resumable: Annotated[bool, typer.Option("--resumable", help="Upload in resumable chunks.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a job; upload its IDs within 15 minutes."""
    with _client() as client:
        _print_job(client.create_job(type, name=name, resumable=resumable), as_json)


@app.command()
@_fails_cleanly
def upload(
    job_id: JobIdArgument,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, help="IDs, one per line.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Upload a file of IDs (one per line) to a job. A bad line stops the upload; storage keeps nothing."""
    with _client() as client, _bar("uploading") as progress:
        sent = client.upload_ids(job_id, file, progress=progress)
    if as_json:
        out.print(json.dumps({"job_id": job_id, "ids": sent}), markup=False)
    else:
        out.print(f"uploaded {sent:,} IDs to job {job_id}", markup=False)


@app.command()
@_fails_cleanly
def wait(
    job_id: JobIdArgument,
    timeout: TimeoutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Wait until a job is complete (exit 1 if it fails, expires or the timeout passes)."""
    with _client() as client, _status(job_id) as progress:
        job = client.wait_for_job(job_id, timeout=timeout, progress=progress)
    _print_job(job, as_json)


@app.command()
@_fails_cleanly
def download(
    job_id: JobIdArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write the results file here.")
    ] = None,
) -> None:
    """Download a complete job's results: to FILE, or as JSON lines on stdout."""
    with _client() as client:
        if output is None:
            _write_results(client.iter_results(job_id))
            return
        with _bar("downloading") as progress:
            client.download_results(job_id, output, progress=progress)
    err.print(f"wrote the results of job {job_id} to {output}", markup=False)


@app.command()
@_fails_cleanly
def run(
    type: TypeOption,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, help="IDs, one per line.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write the results file here.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Up to 64 characters.")] = None,
    timeout: TimeoutOption = None,
    resumable: Annotated[bool, typer.Option("--resumable", help="Upload in resumable chunks.")] = False,
) -> None:
    """Create a job, upload FILE, wait, and download the results (to -o FILE, or stdout as JSON lines)."""
    with _client() as client:
        with _bar("uploading") as progress:
            job = client.run_job(
                type, file, name=name, timeout=timeout, progress=progress, resumable=resumable
            )
        err.print(f"job {job.id} is complete", markup=False)
        if output is None:
            counts = _write_results(client.iter_results(job))
        else:
            with _bar("downloading") as progress:
                client.download_results(job, output, progress=progress)
            counts = _count_reasons(output)
            err.print(f"wrote the results to {output}", markup=False)
    err.print(_summary(counts))


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free one).")] = 8000,
    token: Annotated[
        str, typer.Option(help="The made-up bearer token the emulator accepts (not an X token).")
    ] = "test-token",
    processing_seconds: Annotated[
        float, typer.Option(min=0, help="How long a job stays in_progress after its upload.")
    ] = 0.0,
) -> None:
    """Serve a local emulator of the API and its storage until Ctrl-C (see the README)."""
    from x_compliance.emulator._cli import serve

    raise typer.Exit(serve(host, port, token, processing_seconds))


@app.command()
@_fails_cleanly
def demo(
    posts: Annotated[int, typer.Option(min=1, max=10_000_000, help="Posts in the sample dataset.")] = 30_000,
    processing_seconds: Annotated[float, typer.Option(min=0, help="The emulator's processing time.")] = 0.5,
) -> None:
    """A sweep on a local emulator: a generated dataset made compliant, and what was removed."""
    from x_compliance.cli_sweep import demo as sweep_demo

    sweep_demo(posts, processing_seconds)


def main() -> None:
    """The ``x-compliance`` console script."""
    app()


from x_compliance import cli_sweep  # noqa: E402, F401  registers "sweep" (its own module)
