"""The x-compliance command line, driven through typer's test runner against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.emulated import expected_results
from x_compliance.cli import app
from x_compliance.emulator import Emulator

IDS = [str(n) for n in range(1000, 1400)]


@pytest.fixture
def runner(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("X_BEARER_TOKEN", emu.token)
    monkeypatch.setenv("X_API_BASE_URL", emu.base_url)
    yield CliRunner()


@pytest.fixture
def ids_file(tmp_path: Path) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(IDS) + "\n")
    return path


def test_help_says_the_token_is_never_an_argument() -> None:
    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    assert "X_BEARER_TOKEN environment variable only, never from an argument" in " ".join(
        result.output.split()
    )


def test_jobs_create_get_list_as_json(runner: CliRunner) -> None:
    created = runner.invoke(app, ["jobs", "create", "--type", "tweets", "--name", "cli", "--json"])
    job = json.loads(created.stdout)
    got = runner.invoke(app, ["jobs", "get", job["id"], "--json"])
    listed = runner.invoke(app, ["jobs", "list", "--type", "tweets", "--json"])

    assert (created.exit_code, got.exit_code, listed.exit_code) == (0, 0, 0)
    assert job["name"] == "cli" and job["status"] == "created"
    assert json.loads(got.stdout)["id"] == job["id"]
    assert [j["id"] for j in json.loads(listed.stdout)] == [job["id"]]


def test_jobs_list_table_for_people(runner: CliRunner) -> None:
    runner.invoke(app, ["jobs", "create", "--type", "users", "--name", "people"])

    result = runner.invoke(app, ["jobs", "list", "--type", "users"])

    assert result.exit_code == 0
    assert "people" in result.stdout and "created" in result.stdout and "status" in result.stdout


def test_upload_wait_download_to_file(runner: CliRunner, ids_file: Path, tmp_path: Path) -> None:
    job_id = json.loads(runner.invoke(app, ["jobs", "create", "--type", "tweets", "--json"]).stdout)["id"]
    target = tmp_path / "results.jsonl"

    uploaded = runner.invoke(app, ["upload", job_id, str(ids_file)])
    waited = runner.invoke(app, ["wait", job_id, "--timeout", "30", "--json"])
    downloaded = runner.invoke(app, ["download", job_id, "-o", str(target)])

    assert uploaded.exit_code == 0 and f"uploaded 400 IDs to job {job_id}" in uploaded.stderr
    assert waited.exit_code == 0 and json.loads(waited.stdout)["status"] == "complete"
    assert downloaded.exit_code == 0
    found = {json.loads(line)["id"]: json.loads(line)["reason"] for line in target.read_text().splitlines()}
    assert found == {k: v[0] for k, v in expected_results(IDS, "tweets").items()}


def test_run_writes_results_and_summary(runner: CliRunner, ids_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"

    result = runner.invoke(app, ["run", "--type", "users", str(ids_file), "-o", str(target), "--name", "r"])

    assert result.exit_code == 0, result.output
    assert len(target.read_text().splitlines()) == len(expected_results(IDS, "users"))
    assert "deactivated" in result.stderr and "Results by reason" in result.stderr


def test_run_without_output_prints_json_lines(runner: CliRunner, ids_file: Path) -> None:
    result = runner.invoke(app, ["run", "--type", "tweets", str(ids_file)])

    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["id"]: line["reason"] for line in lines} == {
        k: v[0] for k, v in expected_results(IDS, "tweets").items()
    }


def test_missing_token_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)

    result = CliRunner().invoke(app, ["jobs", "list", "--type", "tweets"])

    assert result.exit_code == 2
    assert "set X_BEARER_TOKEN" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["jobs", "get", "12x"],
        ["jobs", "list", "--type", "spaces"],
        ["jobs", "list"],
        ["upload", "1", "missing.txt"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_bad_line_is_one_clear_line_and_exit_1(runner: CliRunner, tmp_path: Path, emu: Emulator) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("1\n2\nthree\n")

    result = runner.invoke(app, ["run", "--type", "tweets", str(path)])

    assert result.exit_code == 1
    assert result.stderr.strip() == "error: line 3 is not an ID of 1-19 digits: 'three'"
    assert emu.job_count() == 0


def test_api_error_is_one_clear_line_and_exit_1(runner: CliRunner) -> None:
    runner.invoke(app, ["jobs", "create", "--type", "tweets"])

    result = runner.invoke(app, ["jobs", "create", "--type", "tweets"])

    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(
        "error: 409 Conflict: You cannot create a new job if one is already in progress. "
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_job_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["wait", "1234567890123456789"])

    assert result.exit_code == 1
    assert result.stderr.startswith("error: job 1234567890123456789 was not found")


def test_demo_sweeps_a_generated_dataset() -> None:
    result = CliRunner().invoke(app, ["demo", "--posts", "3000", "--processing-seconds", "0"])

    assert result.exit_code == 0, result.output
    assert "3,000 posts by 200 users in 30 response pages" in result.stdout
    table = " ".join(result.stdout.split())
    assert "Sweep x-compliance-demo" in table and "posts, author's reason deleted" in table
    assert "removals.jsonl (" in result.stdout
