"""The ``x-compliance`` command line, on the public client.

Streams: data on stdout (tables, JSON, results), talk on stderr (what was done, where a file went,
summaries, and progress bars and status lines, which appear only when stderr is a terminal). So
``x-compliance download ID > results.jsonl`` holds X's results file and nothing else. Exit status 0
on success, 1 on an API, job, file or data error (one line on stderr, no traceback), 2 on a usage
error, 130 on Ctrl-C. The bearer token comes from ``X_BEARER_TOKEN`` only, never from an argument:
other users of the machine can read a process's arguments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Annotated, Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import typer
import typer.core
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
from x_compliance.results import LineReader
from x_compliance_api.types import Unset

TOKEN_ENV = "X_BEARER_TOKEN"
BASE_URL_ENV = "X_API_BASE_URL"
MAX_NAME_LENGTH = 64  # X's limit on a job's name
BLOCK = 1024 * 1024  # bytes read at a time from an ID file or a results file

TOKEN_HELP = (
    f"The bearer token is read from the {TOKEN_ENV} environment variable only, never from an "
    "argument (other users of the machine can read a process's arguments)."
)


class _Command(typer.core.TyperCommand):
    """A command whose usage line reads ``ID FILE``, not typer's ``{ID} {FILE}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # click's Context (typer vendors click)
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [p.replace("{", "").replace("}", "") for p in pieces]  # also "{DATASET}..."


app = typer.Typer(
    name="x-compliance",
    help=(
        "Find out which stored Post and user IDs X wants deleted, with its batch compliance API. "
        "Data (tables, JSON, results) goes to stdout; messages to stderr. " + TOKEN_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
jobs_app = typer.Typer(help="List, get and create compliance jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
command = functools.partial(app.command, cls=_Command)
jobs_command = functools.partial(jobs_app.command, cls=_Command)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


# Arguments -----------------------------------------------------------------------------------


def _one_of(choices: type[enum.Enum]) -> Callable[[str | None], str | None]:
    """A check that a value is one of an enum's values, saying so plainly when it is not."""
    values = [str(member.value) for member in choices]

    def check(value: str | None) -> str | None:
        if value is not None and value not in values:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}")
        return value

    return check


def _base_url(value: str | None) -> str | None:
    """A malformed address is a usage error at once, not three connection attempts."""
    if value is not None and not _well_formed(value):
        raise typer.BadParameter(
            f"{value!r} is not an http(s) address such as https://api.x.com (from --base-url or "
            f"{BASE_URL_ENV})"
        )
    return value


def _well_formed(url: str) -> bool:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _name(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_NAME_LENGTH:
        raise typer.BadParameter(f"a job name has at most {MAX_NAME_LENGTH} characters, not {len(value)}")
    return value


def _job_id(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) <= 19):
        raise typer.BadParameter(f"a job id is 1-19 digits, not {value!r}")
    return value


def _writable(value: Path | None) -> Path | None:
    """The output's folder must exist and be writable before any job is made or waited for."""
    if value is None:
        return None
    folder = value.parent
    if not folder.is_dir():
        raise typer.BadParameter(f"the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"the folder {str(folder)!r} is not writable")
    if value.is_dir():
        raise typer.BadParameter(f"{str(value)!r} is a folder")
    return value


def _show_version(value: bool) -> None:
    if value:
        try:
            number = version("x-compliance")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        sys.stdout.write(f"x-compliance {number}\n")
        raise typer.Exit()


TypeOption = Annotated[
    str,
    typer.Option(
        "--type",
        "-t",
        metavar="tweets|users",
        help="tweets (Post IDs) or users (user IDs).",
        callback=_one_of(xc.JobType),
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
NameOption = Annotated[
    str | None,
    typer.Option("--name", help=f"A name for the job, up to {MAX_NAME_LENGTH} characters.", callback=_name),
]
ResumableOption = Annotated[bool, typer.Option("--resumable", help="Upload in resumable chunks.")]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0,
        help=(
            "Stop waiting after this many seconds (exit 1; the job goes on at X). Without it the wait "
            "has no end: jobs take minutes to hours."
        ),
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the results file here (its folder must exist); without it, to stdout.",
        callback=_writable,
    ),
]
IdsArgument = Annotated[
    Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, help="IDs, one per line.")
]
JobIdArgument = Annotated[str, typer.Argument(metavar="ID", help="A job id (1-19 digits).", callback=_job_id)]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help=f"API address (default: {BASE_URL_ENV}, else https://api.x.com).",
        callback=_base_url,
    ),
]


class _Settings:
    base_url: str | None = None


@app.callback()
def _main_options(
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            envvar=BASE_URL_ENV,
            help="API address, here or after the command (default https://api.x.com).",
            callback=_base_url,
        ),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    _Settings.base_url = base_url


# Failing cleanly -----------------------------------------------------------------------------


class _Explained(Exception):
    """A failure already put in words for the user (one line, exit 1)."""


def _say(text: str) -> None:
    """Talk: one line on stderr."""
    err.print(text, markup=False)


def _fails_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one line on stderr and exit status 1 (130 for Ctrl-C)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:  # the reader went away (``| head``): not an error
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except xc.AuthenticationError as error:
            _say(
                f"error: {error}. Check {TOKEN_ENV}: X did not accept it (it takes the app's bearer "
                "token from the developer portal)"
            )
        except (xc.ComplianceError, ValueError, OSError, _Explained) as error:
            _say(f"error: {error}")
        except KeyboardInterrupt:
            _say("interrupted")
            raise typer.Exit(130) from None
        raise typer.Exit(1)

    return run


def _client(base_url: str | None) -> xc.ComplianceClient:
    if not os.environ.get(TOKEN_ENV):
        _say(f"error: set {TOKEN_ENV} to your app's bearer token. {TOKEN_HELP}")
        raise typer.Exit(2)
    return xc.ComplianceClient(base_url=base_url or _Settings.base_url)


def _create(client: xc.ComplianceClient, type: str, name: str | None, resumable: bool) -> xc.ComplianceJob:
    """``create_job``; a 409 names the job that holds the type and what to do about it."""
    try:
        return client.create_job(type, name=name, resumable=resumable)
    except xc.ConflictError as conflict:
        holders = [job for job in client.list_jobs(type) if job.status in ("created", "in_progress")]
        if not holders:
            raise
        holder = holders[0]
        named = f", named {holder.name!r}" if isinstance(holder.name, str) else ""
        what = f"X runs one {type} job at a time, and job {holder.id} ({holder.status}{named}) holds it"
        if holder.status == "created":
            todo = (
                f"upload its IDs with 'x-compliance upload {holder.id} FILE' or let its upload window "
                f"close at {_when(holder.upload_expires_at)} UTC"
            )
        else:
            todo = f"wait for it with 'x-compliance wait {holder.id}'"
        if name is not None and holder.name == name:
            # A name run derived from the file's content is this file's; one given by --name may not be.
            whose = "this file's earlier run" if name.startswith("xc-run-") else f"a job named {name!r}"
            todo += f"; it is {whose}: continue it with the same command and --resume"
        raise _Explained(f"{str(conflict).rstrip('.')}. {what}: {todo}") from None


# Output --------------------------------------------------------------------------------------


def _when(stamp: object) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M") if isinstance(stamp, dt.datetime) else ""


def _optional(value: object) -> str:
    return "" if isinstance(value, Unset) or value is None else str(value)


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2) + "\n")
    sys.stdout.flush()


def _print_jobs(jobs: list[xc.ComplianceJob], as_json: bool) -> None:
    if as_json:
        _print_json([job.to_dict() for job in jobs])
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
        _say("no jobs")


def _print_job(job: xc.ComplianceJob, as_json: bool) -> None:
    if as_json:
        _print_json(job.to_dict())
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


def _summary(counts: Counter[str]) -> Table:
    table = Table("reason", "results", title="Results by reason", box=box.SIMPLE_HEAD, pad_edge=False)
    for reason, count in counts.most_common():
        table.add_row(reason, f"{count:,}")
    table.add_row("all", f"{sum(counts.values()):,}")
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


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


class _WaitLine:
    """The status line of a wait, drawn afresh at each refresh: status, time waited, polls."""

    def __init__(self, job_id: str, state: str, timeout: float | None) -> None:
        self.job_id, self.state, self.timeout = job_id, state, timeout
        self.started = time.monotonic()
        self.polls = 0
        self.last_poll: float | None = None

    def polled(self, waited: int, timeout: int | None) -> None:
        self.polls += 1
        self.last_poll = time.monotonic()

    def __rich__(self) -> str:
        now = time.monotonic()
        limit = f" of {_duration(self.timeout)}" if self.timeout is not None else ", no time limit"
        last = "" if self.last_poll is None else f", last {now - self.last_poll:.0f} s ago"
        return (
            f"job {self.job_id} {self.state}: waited {_duration(now - self.started)}{limit}; "
            f"{self.polls} polls{last}. Ctrl-C stops waiting, not the job"
        )


@contextlib.contextmanager
def _status(
    job_id: str, state: str = "running", timeout: float | None = None
) -> Iterator[Callable[[int, int | None], None] | None]:
    """A live status line on stderr while waiting, when it is a terminal."""
    if not err.is_terminal:
        yield None
        return
    line = _WaitLine(job_id, state, timeout)
    with err.status(line, refresh_per_second=2):
        yield line.polled


class _ReasonTally:
    """Counts the results' reasons, read by the library's ``LineReader``, passing the bytes of the
    results file on unchanged."""

    def __init__(self, sink: IO[bytes] | None = None) -> None:
        self.counts: Counter[str] = Counter()
        self._sink = sink
        self._reader = LineReader()

    def write(self, data: bytes) -> int:
        if self._sink is not None:
            self._sink.write(data)
        self._count(self._reader.feed(data))
        return len(data)

    def finish(self) -> Counter[str]:
        self._count(self._reader.finish())
        return self.counts

    def _count(self, results: Iterable[xc.ComplianceResult]) -> None:
        for result in results:
            self.counts[str(result.reason)] += 1


def _count_reasons(path: Path) -> Counter[str]:
    tally = _ReasonTally()
    with path.open("rb") as file:
        while block := file.read(BLOCK):
            tally.write(block)
    return tally.finish()


def _download(client: xc.ComplianceClient, job: xc.ComplianceJob | str, output: Path | None) -> Counter[str]:
    """The results as X wrote them, to ``output`` (atomically) or stdout; their reasons counted."""
    if output is None:
        tally = _ReasonTally(sys.stdout.buffer)
        client.download_results(job, tally)
        sys.stdout.buffer.flush()
        return tally.finish()
    with _bar("downloading") as progress:
        client.download_results(job, output, progress=progress)
    return _count_reasons(output)


# IDs files -------------------------------------------------------------------------------------


def _check_ids(path: Path) -> str:
    """Check every line of an IDs file before any job is made (``xc.check_ids``: a bad line raises
    ``ValueError`` naming it); return the file's SHA-256, which names the job ``run`` makes."""
    if xc.check_ids(path) == 0:
        raise ValueError(f"{path} holds no IDs: nothing to upload")
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def run_job_name(type: str, digest: str) -> str:
    """The name ``run`` gives its job: the type and the first 16 hex digits of the file's SHA-256,
    so that ``run --resume`` finds the job an interrupted run of the same file started."""
    return f"xc-run-{type}-{digest[:16]}"


def _earlier_job(client: xc.ComplianceClient, type: str, name: str) -> xc.ComplianceJob | None:
    """The newest job of ``type`` named ``name`` that can still be continued, if any. Newest by
    ``created_at``: the spec promises no order for the list (X's own example is oldest first)."""
    now = dt.datetime.now(dt.UTC)
    for job in sorted(client.list_jobs(type), key=lambda job: job.created_at, reverse=True):
        if job.name != name:
            continue
        if job.status == "in_progress":
            return job
        if job.status == "created" and _still(job.upload_expires_at, now):
            return job
        if job.status == "complete" and _still(job.download_expires_at, now):
            return job
    return None


def _still(until: object, now: dt.datetime) -> bool:
    return isinstance(until, dt.datetime) and until > now + dt.timedelta(seconds=30)


# Commands ------------------------------------------------------------------------------------


@jobs_command("list")
@_fails_cleanly
def jobs_list(
    type: TypeOption,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            help="Only jobs in this status: created, in_progress, failed or complete.",
            callback=_one_of(xc.JobStatusFilter),
        ),
    ] = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """List the app's jobs of one type, newest first."""
    with _client(base_url) as client:
        _print_jobs(client.list_jobs(type, status=status), as_json)


@jobs_command("get")
@_fails_cleanly
def jobs_get(job_id: JobIdArgument, as_json: JsonOption = False, base_url: BaseUrlOption = None) -> None:
    """Show one job."""
    with _client(base_url) as client:
        _print_job(client.get_job(job_id), as_json)


@jobs_command("create")
@_fails_cleanly
def jobs_create(
    type: TypeOption,
    name: NameOption = None,
    resumable: ResumableOption = False,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Create a job; upload its IDs within 15 minutes."""
    with _client(base_url) as client:
        _print_job(_create(client, type, name, resumable), as_json)


@command()
@_fails_cleanly
def upload(
    job_id: JobIdArgument,
    file: IdsArgument,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"job_id": ..., "ids": ...} on stdout.')
    ] = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Upload a file of IDs (one per line) to a job. A bad line stops the upload; storage keeps nothing."""
    with _client(base_url) as client, _bar("uploading") as progress:
        sent = client.upload_ids(job_id, file, progress=progress)
    if as_json:
        _print_json({"job_id": job_id, "ids": sent})
    _say(f"uploaded {sent:,} IDs to job {job_id}")


@command()
@_fails_cleanly
def wait(
    job_id: JobIdArgument,
    timeout: TimeoutOption = None,
    as_json: JsonOption = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Wait until a job is complete, then show it (exit 1 if it fails, expires or the timeout passes)."""
    with _client(base_url) as client:
        job = client.get_job(job_id)
        with _status(job.id, str(job.status), timeout) as progress:
            job = client.wait_for_job(job, timeout=timeout, progress=progress)
    _print_job(job, as_json)


@command()
@_fails_cleanly
def download(job_id: JobIdArgument, output: OutputOption = None, base_url: BaseUrlOption = None) -> None:
    """Download a complete job's results, as X wrote them: to -o FILE, or to stdout."""
    with _client(base_url) as client:
        if output is None:
            client.download_results(job_id, sys.stdout.buffer)
        else:
            with _bar("downloading") as progress:
                client.download_results(job_id, output, progress=progress)
    if output is not None:
        _say(f"wrote the results of job {job_id} to {output}")


@command()
@_fails_cleanly
def run(
    type: TypeOption,
    file: IdsArgument,
    output: OutputOption = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=(
                f"A name for the job, up to {MAX_NAME_LENGTH} characters (default: xc-run-TYPE- and "
                "16 hex digits of the file's SHA-256, which --resume looks for)."
            ),
            callback=_name,
        ),
    ] = None,
    timeout: TimeoutOption = None,
    resumable: ResumableOption = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help=(
                "Continue the job an earlier run of this file started (same name), uploading, waiting "
                "or downloading as it needs, instead of creating a new one."
            ),
        ),
    ] = False,
    base_url: BaseUrlOption = None,
) -> None:
    """Create a job, upload FILE, wait, and download the results (to -o FILE, or to stdout).

    FILE is checked before the job is created: a bad line creates nothing. The job's id is printed
    as soon as it exists; if the run is stopped after that, the message says how to continue it.
    """
    digest = _check_ids(file)
    job_name = name or run_job_name(type, digest)
    with _client(base_url) as client:
        job = _earlier_job(client, type, job_name) if resume else None
        if job is not None:
            _say(f"continuing job {job.id} ({type}, {job.status}, named {job_name})")
        else:
            if resume:
                _say(f"no job named {job_name} to continue: creating one")
            job = _create(client, type, job_name, resumable)
            _say(f"created job {job.id} ({type}, named {job_name})")
        # What the commands that continue the job need besides their arguments: an address given
        # as an option (one from X_API_BASE_URL stays in the environment), and the wait's limit.
        address = base_url or _Settings.base_url
        shared = ["--base-url", address] if address and address != os.environ.get(BASE_URL_ENV) else []
        argv = ["x-compliance", "run", "--type", type, str(file)]
        argv += [*(["-o", str(output)] if output else []), *(["--name", name] if name else [])]
        argv += [*(["--timeout", f"{timeout:g}"] if timeout is not None else []), *shared]
        this_run = _Run(job, argv, file, output, shared)
        with this_run.continuable():
            if job.status == "created":
                with _bar("uploading") as progress:
                    sent = client.upload_ids(job, file, progress=progress)
                this_run.uploaded = True
                _say(f"uploaded {sent:,} IDs to job {job.id}; waiting for X to check them")
            if job.status != "complete":
                with _status(job.id, "in_progress", timeout) as progress:
                    job = client.wait_for_job(job, timeout=timeout, progress=progress)
            _say(f"job {job.id} is complete")
            counts = _download(client, job, output)
    if output is not None:
        _say(f"wrote the results to {output}")
    err.print(_summary(counts))


class _Run:
    """How far ``run`` got with its job, for the message that says how to continue it."""

    def __init__(
        self, job: xc.ComplianceJob, argv: list[str], file: Path, output: Path | None, shared: list[str]
    ) -> None:
        self.job, self.argv, self.file, self.output, self.shared = job, argv, file, output, shared
        self.uploaded = job.status != "created"

    @contextlib.contextmanager
    def continuable(self) -> Iterator[None]:
        """On Ctrl-C or an error once the job exists: say which job it was and how to go on."""
        try:
            yield
        except (xc.JobFailedError, xc.JobExpiredError, BrokenPipeError):
            raise  # nothing to continue (the error says why), or the reader went away
        except (KeyboardInterrupt, xc.ComplianceError, ValueError, OSError) as stopped:
            interrupted = isinstance(stopped, KeyboardInterrupt)
            _say("interrupted" if interrupted else f"error: {stopped}")
            _say(f"job {self.job.id} goes on at X. {self.how_to_continue()}")
            raise typer.Exit(130 if interrupted else 1) from None

    def how_to_continue(self) -> str:
        job_id = self.job.id
        target = str(self.output) if self.output is not None else "FILE"
        commands = [] if self.uploaded else [["upload", job_id, str(self.file)]]
        commands += [["wait", job_id], ["download", job_id, "-o", target]]
        steps = [f"'{shlex.join(['x-compliance', *command, *self.shared])}'" for command in commands]
        return (
            f"Continue it with '{shlex.join([*self.argv, '--resume'])}', or step by step: "
            + ", then ".join(steps)
        )


@command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free one).")] = 8000,
    token: Annotated[
        str, typer.Option(help="The made-up bearer token the emulator accepts (not an X token).")
    ] = "test-token",
    processing_seconds: Annotated[
        float, typer.Option(min=0, help="How long a job stays in_progress after its upload.")
    ] = 0.0,
    verbose: Annotated[
        bool | None,
        typer.Option(
            "--verbose/--no-verbose",
            help="Log each request (method, path, status) to stderr. Default: when stderr is a terminal.",
        ),
    ] = None,
) -> None:
    """Serve a local emulator of the API and its storage until Ctrl-C (prints its URL on stdout)."""
    from x_compliance.emulator._cli import serve

    raise typer.Exit(serve(host, port, token, processing_seconds, verbose))


@command()
@_fails_cleanly
def demo(
    posts: Annotated[int, typer.Option(min=1, max=10_000_000, help="Posts in the sample dataset.")] = 30_000,
    processing_seconds: Annotated[float, typer.Option(min=0, help="The emulator's processing time.")] = 0.5,
) -> None:
    """A sweep on a local emulator: a generated dataset made compliant, and what was removed."""
    from x_compliance.cli_sweep import demo as sweep_demo

    sweep_demo(posts, processing_seconds)


def main() -> None:
    """The ``x-compliance`` console script (and ``python -m x_compliance``, under the same name)."""
    app(prog_name="x-compliance")


from x_compliance import cli_sweep  # noqa: E402, F401  registers "sweep" (its own module)
