"""``x-compliance sweep``, through typer's test runner against the in-process emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from x_compliance.cli import app
from x_compliance.emulator import Emulator


@pytest.fixture
def cli(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("X_BEARER_TOKEN", emu.token)
    monkeypatch.setenv("X_API_BASE_URL", emu.base_url)
    yield CliRunner()


def test_sweep_prints_the_summary_table(cli: CliRunner, datasets: list[Path], tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = cli.invoke(
        app, ["sweep", *map(str, datasets), "-o", str(tmp_path / "out"), "--state", str(state)]
    )
    assert result.exit_code == 0, result.output
    table = " ".join(result.stdout.split())
    assert "posts, own reason deleted 3" in table
    assert "posts, author's reason deactivated 1" in table
    assert "posts, geo scrubbed scrub_geo 1" in table
    assert "complete" in table and "removals.jsonl" in table


def test_sweep_json_is_the_report_on_stdout(
    cli: CliRunner, datasets: list[Path], tmp_path: Path, emu: Emulator
) -> None:
    args = [
        "sweep",
        *map(str, datasets),
        "-o",
        str(tmp_path / "out"),
        "--state",
        str(tmp_path / "s"),
        "--json",
    ]
    result = cli.invoke(app, [*args, "--name", "nightly", "--ids-per-job", "5"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report["name"] == "nightly"
    assert [(j["type"], j["part"]) for j in report["jobs"]] == [
        ("tweets", 1),
        ("tweets", 2),
        ("tweets", 3),
        ("users", 1),
        ("users", 2),
    ]
    assert report == json.loads((tmp_path / "out" / "report.json").read_text())
    # the same command again: the same report, no new job, and a word on stderr
    again = cli.invoke(app, [*args, "--name", "nightly", "--ids-per-job", "5"])
    assert json.loads(again.stdout) == report and "finished at" in again.stderr
    assert emu.job_count() == 5


def test_sweep_bad_dataset_exits_1_naming_file_and_line(
    cli: CliRunner, tmp_path: Path, emu: Emulator
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"data": [{"id": "12"}]}\n{"data": [{"id": "twelve"}]}\n')
    result = cli.invoke(app, ["sweep", str(bad), "-o", str(tmp_path / "out"), "--state", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "bad.jsonl, line 2: post 1 of data has an id that is not 1-19 digits" in " ".join(
        result.stderr.split()
    )
    assert emu.job_count() == 0 and not (tmp_path / "out").exists()


def test_sweep_without_output_is_a_usage_error(cli: CliRunner, datasets: list[Path]) -> None:
    result = cli.invoke(app, ["sweep", str(datasets[0])])
    assert result.exit_code == 2


def test_progress_line_names_part_job_status_and_bytes() -> None:
    from x_compliance.cli_sweep import _describe
    from x_compliance.sweeps import SweepProgress

    event = SweepProgress(
        "jobs",
        "uploading IDs",
        type="tweets",
        part=2,
        parts=3,
        job_id="123",
        bytes_up=2_500_000,
        total=5_000_000,
    )
    assert _describe(event) == "tweets part 2/3, job 123: uploading IDs (2.5 of 5.0 MB up)"
    assert (
        _describe(SweepProgress("gather", "reading IDs", dataset="a.jsonl")) == "gather: reading IDs a.jsonl"
    )
