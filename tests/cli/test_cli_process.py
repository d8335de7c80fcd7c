"""The command line as a process: exit codes, stdout and stderr, signals, a terminal.

Each test runs ``python -m x_compliance`` in a child process against an in-process emulator (its
server listens on 127.0.0.1), so that what is asserted is what a user's shell sees.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

import x_compliance as xc
from tests.emulated import expected_results
from x_compliance.cli import run_job_name
from x_compliance.emulator import Emulator

IDS = [str(n) for n in range(7000, 7400)]
CLI = [sys.executable, "-m", "x_compliance"]
HOUR = 3600.0


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("X_")}
    env.update({"TERM": "dumb", "NO_COLOR": "1"}, **extra)
    return env


@pytest.fixture
def slow_emu() -> Iterator[Emulator]:
    """An emulator whose jobs stay in_progress for an hour, unless its clock is advanced."""
    with Emulator(token="process-token-0123456789", processing_seconds=HOUR) as emulator:
        yield emulator


def env_for(emu: Emulator, **extra: str) -> dict[str, str]:
    return clean_env(**{"X_BEARER_TOKEN": emu.token, "X_API_BASE_URL": emu.base_url, **extra})


@pytest.fixture
def ids_file(tmp_path: Path) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(IDS) + "\n")
    return path


def cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def start(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def read_until(stream: object, needle: str) -> str:
    """Lines of a child's stream up to and including the first that holds ``needle``."""
    seen = ""
    while True:
        line = stream.readline()  # type: ignore[attr-defined]
        assert line, f"stream ended before {needle!r}: {seen!r}"
        seen += line
        if needle in line:
            return seen


def results_of(path: Path) -> dict[str, str]:
    return {json.loads(line)["id"]: json.loads(line)["reason"] for line in path.read_text().splitlines()}


EXPECTED = {k: v[0] for k, v in expected_results(IDS, "tweets").items()}


# 1. Install ------------------------------------------------------------------------------------


def test_missing_cli_extra_says_how_to_install_from_a_clone_or_the_repository(tmp_path: Path) -> None:
    # given: typer cannot be imported
    script = "import sys; sys.modules['typer'] = None; from x_compliance.__main__ import main; main()"

    # when
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean_env(), capture_output=True, text=True, timeout=60
    )

    # then
    assert result.returncode == 2
    assert result.stderr.startswith("error: the command line needs the 'cli' extra (typer is missing)")
    assert "pip install -e '.[cli]'" in result.stderr
    assert "pip install 'x-compliance[cli] @ git+https://github.com/" in result.stderr
    assert "Traceback" not in result.stderr


# 2. run says which job it made, shows the wait, and says how to continue --------------------------


def test_run_names_its_job_at_once_and_ctrl_c_says_how_to_continue(
    slow_emu: Emulator, ids_file: Path, tmp_path: Path
) -> None:
    # given: a run that has created its job and is waiting for it
    child = start(
        "run", "--type", "tweets", "ids.txt", "-o", "out.jsonl", env=env_for(slow_emu), cwd=tmp_path
    )
    assert child.stderr is not None
    said = read_until(child.stderr, "waiting")
    job_id = slow_emu.jobs()[0]["id"]

    # when: Ctrl-C
    child.send_signal(signal.SIGINT)
    _, rest = child.communicate(timeout=30)

    # then: the job was named when it was made, and the message says how to go on
    assert f"created job {job_id} (tweets" in said.splitlines()[0]
    assert child.returncode == 130
    assert "interrupted" in rest and "Traceback" not in rest
    assert f"x-compliance wait {job_id}" in rest
    assert f"x-compliance download {job_id} -o out.jsonl" in rest
    assert "x-compliance run --type tweets ids.txt -o out.jsonl --resume" in rest


def test_run_timeout_names_the_job_and_how_to_continue(
    slow_emu: Emulator, ids_file: Path, tmp_path: Path
) -> None:
    result = cli(
        "run",
        "--type",
        "tweets",
        "ids.txt",
        "--timeout",
        "1",
        "-o",
        "out.jsonl",
        env=env_for(slow_emu),
        cwd=tmp_path,
    )

    job_id = slow_emu.jobs()[0]["id"]
    assert result.returncode == 1
    assert f"error: job {job_id} is still in_progress" in result.stderr
    assert f"x-compliance wait {job_id}" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_run_given_its_address_as_an_option_says_to_continue_with_it(
    slow_emu: Emulator, ids_file: Path, tmp_path: Path
) -> None:
    # given: the address as an option, not in the environment
    env = env_for(slow_emu)
    del env["X_API_BASE_URL"]

    # when the run stops at its timeout
    result = cli(
        "--base-url", slow_emu.base_url, "run", "--type", "tweets", "ids.txt", "--timeout", "1",
        env=env, cwd=tmp_path,
    )  # fmt: skip

    # then each command that continues it carries the address (pasted, it reaches the same server)
    job_id = slow_emu.jobs()[0]["id"]
    assert result.returncode == 1
    assert f"--timeout 1 --base-url {slow_emu.base_url} --resume" in result.stderr
    assert f"x-compliance wait {job_id} --base-url {slow_emu.base_url}" in result.stderr


def test_run_whose_upload_fails_says_to_upload_then_wait(
    emu: Emulator, ids_file: Path, tmp_path: Path
) -> None:
    # given: storage refuses the upload
    emu.faults.add("upload", status=403, times=5)

    # when
    result = cli("run", "--type", "tweets", "ids.txt", "--name", "nightly", env=env_for(emu), cwd=tmp_path)

    # then: the job is named, and the way on starts with the upload it did not get
    job_id = emu.jobs()[0]["id"]
    assert result.returncode == 1
    assert result.stderr.splitlines()[1].startswith("error: ")
    assert "x-compliance run --type tweets ids.txt --name nightly --resume" in result.stderr
    assert (
        f"'x-compliance upload {job_id} ids.txt', then 'x-compliance wait {job_id}', "
        f"then 'x-compliance download {job_id} -o FILE'"
    ) in result.stderr


def test_run_shows_the_wait_on_a_terminal(ids_file: Path, tmp_path: Path) -> None:
    # given: stderr is a terminal and the job takes a few seconds
    with Emulator(token="tty-token-0123456789", processing_seconds=2.5) as emu:
        leader, follower = pty.openpty()
        try:
            child = subprocess.Popen(
                [*CLI, "run", "--type", "tweets", "ids.txt", "-o", "out.jsonl"],
                env={**env_for(emu), "TERM": "xterm-256color", "COLUMNS": "200"},
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=follower,
            )
            os.close(follower)
            # when
            screen = b""
            while True:
                try:
                    piece = os.read(leader, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not piece:
                    break
                screen += piece
            child.wait(timeout=60)
        finally:
            os.close(leader)
        job_id = emu.jobs()[0]["id"]

    # then: a live line with the job, its status, the time waited and the polls
    text = screen.decode(errors="replace")
    assert child.returncode == 0, text
    assert f"job {job_id} in_progress: waited 0m 0" in text
    assert "no time limit" in text and "polls" in text
    assert results_of(tmp_path / "out.jsonl") == EXPECTED


# 3. A rerun after an interruption ----------------------------------------------------------------


def test_rerun_while_the_job_runs_names_it_and_says_resume(
    slow_emu: Emulator, ids_file: Path, tmp_path: Path
) -> None:
    # given: the job an interrupted run of this file made, still in_progress
    with xc.ComplianceClient(bearer_token=slow_emu.token, base_url=slow_emu.base_url) as client:
        name = run_job_name("tweets", __import__("hashlib").sha256(ids_file.read_bytes()).hexdigest())
        job = client.create_job("tweets", name=name)
        client.upload_ids(job, ids_file)

    # when: run again without --resume
    result = cli("run", "--type", "tweets", "ids.txt", env=env_for(slow_emu), cwd=tmp_path)

    # then: one line that names the job that holds the type and what to do
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: 409 Conflict: ")
    assert f"job {job.id} (in_progress, named '{name}') holds it" in result.stderr
    assert f"x-compliance wait {job.id}" in result.stderr and "--resume" in result.stderr
    assert slow_emu.job_count() == 1


# 4. The output is checked first ----------------------------------------------------------------


@pytest.mark.parametrize("command", [["run", "--type", "tweets", "ids.txt"], ["download", "123"]])
def test_output_in_a_missing_folder_is_refused_before_anything(
    emu: Emulator, ids_file: Path, tmp_path: Path, command: list[str]
) -> None:
    result = cli(*command, "-o", "missing_dir/out.jsonl", env=env_for(emu), cwd=tmp_path)

    assert result.returncode == 2
    assert "the folder 'missing_dir' does not exist" in result.stderr
    assert emu.job_count() == 0


# 5. Exit codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["jobs", "create", "--type", "users"], ["run", "--type", "users", "ids.txt"]]
)
def test_name_over_64_characters_is_a_usage_error(
    emu: Emulator, ids_file: Path, tmp_path: Path, command: list[str]
) -> None:
    result = cli(*command, "--name", "n" * 65, env=env_for(emu), cwd=tmp_path)

    assert result.returncode == 2
    assert "a job name has at most 64 characters, not 65" in result.stderr
    assert emu.job_count() == 0


@pytest.mark.parametrize(
    ("where", "url"),
    [("option", "htp://api.x.com"), ("option", "api.x.com"), ("env", "http://:80"), ("env", "http://h:port")],
)
def test_malformed_base_url_is_a_usage_error_at_once(tmp_path: Path, where: str, url: str) -> None:
    env = clean_env(X_BEARER_TOKEN="token")
    args = ["jobs", "list", "--type", "tweets"]
    if where == "env":
        env["X_API_BASE_URL"] = url
    else:
        args += ["--base-url", url]
    started = time.monotonic()

    result = cli(*args, env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "is not an http(s) address" in result.stderr
    assert time.monotonic() - started < 10  # no retries: a retried connection takes 1.5 s more


def test_emulator_on_a_busy_port_says_error_like_the_others(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = cli("emulator", "--port", str(port), env=clean_env(), cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot start the emulator: ")
    assert len(result.stderr.strip().splitlines()) == 1


# 6. Options and messages ---------------------------------------------------------------------------


def test_base_url_is_accepted_after_the_command(emu: Emulator, tmp_path: Path) -> None:
    env = clean_env(X_BEARER_TOKEN=emu.token)  # no X_API_BASE_URL: only the option says where

    result = cli(
        "jobs", "list", "--type", "tweets", "--json", "--base-url", emu.base_url, env=env, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    result = cli("--version", env=clean_env(), cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout == f"x-compliance {version('x-compliance')}\n"


def test_wait_timeout_help_says_that_without_it_the_wait_has_no_end(tmp_path: Path) -> None:
    result = cli("wait", "--help", env=clean_env(COLUMNS="300"), cwd=tmp_path)

    assert "Without it the wait has no end" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        (["upload", "--help"], "Usage: x-compliance upload [OPTIONS] ID FILE"),
        (["jobs", "get", "--help"], "Usage: x-compliance jobs get [OPTIONS] ID"),
        (["run", "--help"], "Usage: x-compliance run [OPTIONS] FILE"),
    ],
)
def test_usage_lines_name_arguments_plainly(tmp_path: Path, command: list[str], usage: str) -> None:
    result = cli(*command, env=clean_env(), cwd=tmp_path)

    assert result.stdout.splitlines()[0] == usage


def test_a_value_that_is_not_a_choice_reads_plainly(tmp_path: Path) -> None:
    result = cli("jobs", "list", "--type", "spaces", env=clean_env(X_BEARER_TOKEN="t"), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip().endswith("'spaces' is not one of tweets, users")
    assert "Value error" not in result.stderr


def test_a_401_hints_to_check_the_token(emu: Emulator, tmp_path: Path) -> None:
    env = env_for(emu, X_BEARER_TOKEN="not-the-token")

    result = cli("jobs", "list", "--type", "tweets", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith("error: 401 Unauthorized")
    assert "Check X_BEARER_TOKEN" in result.stderr
    assert "not-the-token" not in result.stderr


# 7. download to a file or a pipe: X's bytes ---------------------------------------------------------


def test_download_to_a_pipe_or_a_file_writes_xs_bytes(emu: Emulator, ids_file: Path, tmp_path: Path) -> None:
    # given: a complete job, and its results file as X serves it
    with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = client.wait_for_job(client.run_job("tweets", ids_file))
        served = client.download_results(job, tmp_path / "served.jsonl").read_bytes()

    # when: stdout is a pipe, then a file
    piped = subprocess.run(
        [*CLI, "download", job.id], env=env_for(emu), cwd=tmp_path, capture_output=True, timeout=60
    )
    with (tmp_path / "redirected.jsonl").open("wb") as redirected:
        to_file = subprocess.run(
            [*CLI, "download", job.id], env=env_for(emu), cwd=tmp_path, stdout=redirected, timeout=60
        )

    # then: the very bytes (X's key order, X's separators), nothing else
    assert piped.returncode == 0 and to_file.returncode == 0
    assert piped.stdout == served
    assert (tmp_path / "redirected.jsonl").read_bytes() == served
    assert piped.stderr == b""


# 8. Streams: data on stdout, talk on stderr ---------------------------------------------------------


def test_data_goes_to_stdout_and_talk_to_stderr(emu: Emulator, ids_file: Path, tmp_path: Path) -> None:
    env = env_for(emu)

    created = cli("jobs", "create", "--type", "tweets", "--json", env=env, cwd=tmp_path)
    job_id = json.loads(created.stdout)["id"]
    uploaded = cli("upload", job_id, "ids.txt", env=env, cwd=tmp_path)
    users_job = json.loads(cli("jobs", "create", "--type", "users", "--json", env=env, cwd=tmp_path).stdout)
    uploaded_json = cli("upload", users_job["id"], "ids.txt", "--json", env=env, cwd=tmp_path)
    waited = cli("wait", job_id, "--json", env=env, cwd=tmp_path)
    downloaded = cli("download", job_id, "-o", "got.jsonl", env=env, cwd=tmp_path)
    listed = cli("jobs", "list", "--type", "tweets", env=env, cwd=tmp_path)
    cli("wait", users_job["id"], env=env, cwd=tmp_path)
    ran = cli("run", "--type", "users", "ids.txt", "-o", "users.jsonl", env=env, cwd=tmp_path)
    ran_to_stdout = cli("run", "--type", "tweets", "ids.txt", env=env, cwd=tmp_path)

    assert created.stderr == ""
    assert (uploaded.stdout, uploaded.stderr) == ("", f"uploaded 400 IDs to job {job_id}\n")
    assert json.loads(uploaded_json.stdout) == {"job_id": users_job["id"], "ids": 400}
    assert json.loads(waited.stdout)["status"] == "complete" and waited.stderr == ""
    assert downloaded.stdout == "" and f"wrote the results of job {job_id} to got.jsonl" in downloaded.stderr
    assert job_id in listed.stdout and listed.stderr == ""
    assert ran.stdout == ""
    assert "created job" in ran.stderr and "is complete" in ran.stderr and "Results by reason" in ran.stderr
    assert {
        json.loads(line)["id"]: json.loads(line)["reason"] for line in ran_to_stdout.stdout.splitlines()
    } == (EXPECTED)
    assert "Results by reason" in ran_to_stdout.stderr and "Results" not in ran_to_stdout.stdout


# 10. The emulator's request log -------------------------------------------------------------------


@pytest.mark.parametrize("verbose", [True, False])
def test_emulator_verbose_logs_each_request_without_its_query(
    ids_file: Path, tmp_path: Path, verbose: bool
) -> None:
    # given: an emulator process, with --verbose or with stderr not a terminal
    server = start(
        "emulator",
        "--port",
        "0",
        "--token",
        "log-token",
        *(["--verbose"] if verbose else []),
        env=clean_env(),
        cwd=tmp_path,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        # when: a whole run (signed upload and download URLs included)
        ran = cli(
            "run",
            "--type",
            "tweets",
            "ids.txt",
            "-o",
            "out.jsonl",
            env=clean_env(X_BEARER_TOKEN="log-token", X_API_BASE_URL=base_url),
            cwd=tmp_path,
        )
    finally:
        server.send_signal(signal.SIGINT)
        _, log = server.communicate(timeout=30)

    # then: one line per request, method, path and status; never a query string
    assert ran.returncode == 0, ran.stderr
    requests = [line.split(" ", 1)[1] for line in log.splitlines() if line[:2].isdigit()]
    if not verbose:
        assert requests == []
        return
    assert "POST /2/compliance/jobs 200" in requests
    assert any(line.startswith("PUT /") and line.endswith(" 200") for line in requests)
    assert any(line.startswith("GET /2/compliance/jobs/") for line in requests)
    assert "?" not in log and "Signature" not in log


def test_emulator_logs_requests_by_default_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    server = subprocess.Popen(
        [*CLI, "emulator", "--port", "0", "--token", "tty-log-token"],
        env=clean_env(TERM="xterm-256color"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        listed = cli(
            "jobs",
            "list",
            "--type",
            "users",
            "--json",
            env=clean_env(X_BEARER_TOKEN="tty-log-token", X_API_BASE_URL=base_url),
            cwd=tmp_path,
        )
        screen = b""
        deadline = time.monotonic() + 20
        while b"GET /2/compliance/jobs 200" not in screen and time.monotonic() < deadline:
            if select.select([leader], [], [], 1)[0]:
                screen += os.read(leader, 65536)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        os.close(leader)

    assert listed.returncode == 0
    assert b"GET /2/compliance/jobs 200" in screen
